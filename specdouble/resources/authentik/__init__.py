"""What authentik's server does beyond its resources: who is logged in, the flow executor,
the default objects of a fresh install, the polymorphic `all` families, and the answers that
describe the server itself (version, licence, brand, configuration)."""
