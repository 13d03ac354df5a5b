// Drives @goauthentik/api (the official TypeScript client) through every Event Matcher
// operation against the mock at argv[2]; prints what it saw as one JSON line.
const ak = require("@goauthentik/api");

(async () => {
  const config = new ak.Configuration({ basePath: process.argv[2], accessToken: "ak-mock-admin" });
  const api = new ak.PoliciesApi(config);
  const page = await api.policiesEventMatcherList({ pageSize: 200, search: "alert" });
  const all = await api.policiesEventMatcherList({ pageSize: 200 });
  const bound = all.results.find((p) => p.boundTo > 0);
  const boundUsedBy = await api.policiesEventMatcherUsedByList({ policyUuid: bound.pk });
  const created = await api.policiesEventMatcherCreate({
    eventMatcherPolicyRequest: { name: "From the TS client", action: "login", clientIp: "2001:db8::1" },
  });
  const retrieved = await api.policiesEventMatcherRetrieve({ policyUuid: created.pk });
  const updated = await api.policiesEventMatcherUpdate({
    policyUuid: created.pk,
    eventMatcherPolicyRequest: { name: "Renamed by TS", model: "authentik_core.user" },
  });
  const patched = await api.policiesEventMatcherPartialUpdate({
    policyUuid: created.pk,
    patchedEventMatcherPolicyRequest: { executionLogging: true },
  });
  const usedBy = await api.policiesEventMatcherUsedByList({ policyUuid: created.pk });
  await api.policiesEventMatcherDestroy({ policyUuid: created.pk });
  let goneStatus = 0;
  try {
    await api.policiesEventMatcherRetrieve({ policyUuid: created.pk });
  } catch (error) {
    goneStatus = error.response.status;
  }
  console.log(
    JSON.stringify({
      count: page.pagination.count,
      searched: page.results.map((p) => p.name),
      boundTo: bound.boundTo,
      boundUsedBy: boundUsedBy.length,
      created: created.name,
      retrievedSame: retrieved.pk === created.pk,
      updated: [updated.name, updated.action, updated.model, updated.clientIp],
      patched: patched.executionLogging,
      usedBy: usedBy.length,
      goneStatus,
    }),
  );
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
