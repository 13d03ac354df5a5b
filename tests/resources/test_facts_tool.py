"""The facts tool's reading of authentik's default callables: which random strings a model's
field starts as (`tools/authentik_field_defaults.py`, run by hand on authentik's sources)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[2] / "tools" / "authentik_field_defaults.py"

SOURCE = """
def generate_client_secret() -> str:
    return generate_id(128)

def get_cookie_secret():
    return "".join(secrets.choice(chars) for _ in range(32))
"""


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("authentik_field_defaults", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_default_callable_is_read_as_the_strings_it_makes() -> None:
    tool = _tool()
    functions = {
        node.name: node for node in ast.parse(SOURCE).body if isinstance(node, ast.FunctionDef)
    }
    client_id = tool._drawn("generate_id", functions)
    secret = tool._drawn("generate_client_secret", functions)
    assert client_id is not None and secret is not None
    assert re.fullmatch(client_id["pattern"], "a" * 40) and not re.fullmatch(
        client_id["pattern"], "a" * 39 + "!"
    )
    assert re.fullmatch(secret["pattern"], "Z9" * 64)
    key = tool._drawn("generate_key", functions)
    assert key is not None and re.fullmatch(key["pattern"], "]^-[\\" + "x" * 123)
    assert tool._drawn("get_cookie_secret", functions) is None


MODELS = """
class Provider(models.Model):
    name = models.TextField()
    backchannel = models.ForeignKey("Application", null=True, related_name="spares")

class ProxyProvider(Provider):
    external_host = models.TextField()

class Application(models.Model):
    provider = models.OneToOneField(Provider, null=True)

class Outpost(models.Model):
    providers = models.ManyToManyField(Provider)

class Binding(models.Model):
    provider = InheritanceForeignKey(Provider, on_delete=models.CASCADE)
"""

SERIALIZERS = """
class ProviderSerializer(ModelSerializer):
    def get_component(self, obj: Provider) -> str:
        if obj.__class__ == Provider:
            return ""
        return obj.component

    class Meta:
        model = Provider

class ApplicationSerializer(ModelSerializer):
    provider_obj = ProviderSerializer(source="get_provider", read_only=True)
    spares_obj = ProviderSerializer(source="spares", many=True)

    class Meta:
        model = Application

class OutpostSerializer(ModelSerializer):
    providers_obj = ProviderSerializer(source="providers", many=True, read_only=True)

    class Meta:
        model = Outpost

class BindingSerializer(ModelSerializer):
    provider_obj = ProviderSerializer(source="provider", read_only=True)

    def check(self, value):
        try:
            return value
        except TypeError, ValueError:
            return None

    class Meta:
        model = Binding
"""


def test_a_relation_to_a_familys_base_is_read_as_the_rows_it_yields(tmp_path: Path) -> None:
    """A nested serializer over a plain relation to a model with subclasses shows base rows
    (`when: always`); over an `InheritanceForeignKey`, only in a write's answer (`written`);
    over a method (`get_provider`), its own type. A module in Python 3.14's syntax is read."""
    core = tmp_path / "authentik" / "core"
    (core / "api").mkdir(parents=True)
    (core / "apps.py").write_text('class AuthentikCoreConfig:\n    label = "authentik_core"\n')
    (core / "models.py").write_text(MODELS)
    (core / "api" / "serializers.py").write_text(SERIALIZERS)
    _facts, _ancestors, promised = _tool().read(tmp_path / "authentik")
    base = {
        "component": "",
        "verbose_name": "provider",
        "verbose_name_plural": "providers",
        "meta_model_name": "authentik_core.provider",
    }
    assert promised["Outpost"]["shown_as_base"] == {"providers_obj": {**base, "when": "always"}}
    assert promised["Binding"]["shown_as_base"] == {"provider_obj": {**base, "when": "written"}}
    assert promised["Application"]["shown_as_base"] == {"spares_obj": {**base, "when": "always"}}


FILTERSET = """
class EventsFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(field_name="user", method="filter_username")
    model_pk = django_filters.CharFilter(field_name="context", method="filter_model_pk")

    def filter_username(self, queryset, name, value):
        return queryset.filter(Q(user__username=value) | Q(context__username=value))

    def filter_model_pk(self, queryset, name, value):
        value = str(value).replace("-", "")
        return queryset.filter(Q(context__model__pk=value))

    class Meta:
        model = Event
"""


def test_a_filter_method_of_either_lookup_is_read_as_its_lookups() -> None:
    """The events' `username` keeps what either lookup matches; a method that does more
    than filter (it rewrites the value first) is code, left out."""
    filtersets = _tool()._filtersets(ast.parse(FILTERSET))
    filters = filtersets["EventsFilter"][2]
    assert filters["username"] == {"any": ["user__username", "context__username"], "many": False}
    assert "model_pk" not in filters


SERIALIZER = """
class TokenSerializer(ModelSerializer):
    def validate_user(self, user: User):
        \"\"\"Ensure user of token cannot be changed\"\"\"
        if self.instance and self.instance.user_id:
            if user.pk != self.instance.user_id:
                raise ValidationError("User cannot be changed")
        return user

    def validate_name(self, name):
        if name.startswith("x"):
            raise ValidationError("No x")
        return name

    class Meta:
        model = Token
"""


def test_a_field_validator_that_keeps_a_value_from_changing_is_read_as_fixed() -> None:
    """A token's `validate_user` refuses another user once one is set; a validator that
    checks the value sent, not the instance's, is code, left out."""
    assert _tool()._fixed_fields(ast.parse(SERIALIZER)) == {
        "Token": {"user": "User cannot be changed"}
    }


def test_a_new_installs_row_holds_what_its_migrations_gave_it(tmp_path: Path) -> None:
    """The default tenant is made by a migration; a field a later migration adds takes that
    migration's default (`minutes=30`), whatever the model's default is today."""
    migrations = tmp_path / "authentik" / "tenants" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text(
        "def create_default_tenant(apps, schema_editor):\n"
        '    Tenant = apps.get_model("authentik_tenants", "Tenant")\n'
        '    Tenant.objects.using(db_alias).create(name="Default", avatars=CONFIG.get("avatars",'
        ' "gravatar,initials"))\n'
    )
    (migrations / "0002_more.py").write_text(
        "operations = [migrations.AddField(model_name='tenant', name='default_token_duration',"
        " field=models.TextField(default=CONFIG.get('default_token_duration', 'minutes=30'))),"
        " migrations.AddField(model_name='tenant', name='flags',"
        " field=models.JSONField(default=dict))]\n"
    )
    assert _tool().installed_rows(tmp_path / "authentik") == {
        "Tenant": {
            "name": "Default",
            "avatars": "gravatar,initials",
            "default_token_duration": "minutes=30",
        }
    }


SAVES = """
class ProxySerializer(ModelSerializer):
    def create(self, validated_data):
        instance = super().create(validated_data)
        instance.set_oauth_defaults()
        instance.save()
        return instance

    def update(self, instance, validated_data):
        instance = super().update(instance, validated_data)
        instance.save()
        return instance

    class Meta:
        model = ProxyProvider


class UserSerializer(ModelSerializer):
    def create(self, validated_data):
        is_blueprint = "blueprint" in self.context
        instance = super().create(validated_data)
        if is_blueprint:
            instance.save()
        self._ensure_password_not_empty(instance)
        return instance

    def update(self, instance, validated_data):
        instance = super().update(instance, validated_data)
        self._ensure_password_not_empty(instance)
        if instance.is_active:
            instance.save()
        return instance

    def _ensure_password_not_empty(self, instance):
        if len(instance.password) == 0:
            instance.set_unusable_password()
            instance.save()

    class Meta:
        model = User
"""


def test_a_save_a_serializer_makes_again_is_read_as_when_it_happens() -> None:
    """A save after DRF's own is an audited update: counted where it always happens, on create
    only where it fills an empty field, never where only blueprints or other conditions get
    there."""
    assert _tool()._saved_again(ast.parse(SAVES)) == {
        "ProxyProvider": {"create": 1, "update": 1},
        "User": {"create": 1},
    }


QL_VIEW = """
class EventViewSet(ModelViewSet):
    queryset = Event.objects.all()
    search_fields = ["action"]

    def get_ql_fields(self):
        return [
            ChoiceSearchField(Event, "action"),
            StrField(Event, "app", suggest_options=True),
            BoolField(Event, "seen", nullable=True),
            JSONSearchField(
                Event,
                "context",
                fixed_structure=OrderedDict(
                    http_request=JSONSearchField(
                        Event, "context_http_request", fixed_structure=OrderedDict(path=StrField())
                    ),
                ),
            ),
            SomethingElse(Event, "x"),
        ]
"""


def test_a_viewsets_query_fields_are_read_with_their_kinds_and_keys() -> None:
    view = _tool()._views(ast.parse(QL_VIEW))["Event"]
    assert view["ql"] == [
        {"name": "action", "kind": "str", "choices": True},
        {"name": "app", "kind": "str", "suggest_options": True},
        {"name": "seen", "kind": "bool", "nullable": True},
        {
            "name": "context",
            "kind": "relation",
            "fixed": [
                {
                    "name": "http_request",
                    "kind": "relation",
                    "own_name": "context_http_request",
                    "fixed": [{"name": "path", "kind": "str"}],
                }
            ],
        },
    ]


def test_authentiks_schedules_are_read_from_its_apps_models_and_actors(tmp_path: Path) -> None:
    source = tmp_path / "authentik"
    (source / "lib").mkdir(parents=True)
    (source / "lib" / "default.yml").write_text("outposts:\n  discover: true\n")
    (source / "outposts").mkdir()
    (source / "outposts" / "tasks.py").write_text(
        '@actor(description=_("Deploy an outpost."))\ndef outpost_controller(pk): ...\n'
        '@actor(description=_("Find connections."))\ndef discovery(): ...\n'
    )
    (source / "outposts" / "apps.py").write_text(
        "class Config(AppConfig):\n"
        '    label = "authentik_outposts"\n'
        "    def global_schedule_specs(self):\n"
        "        return [ScheduleSpec(actor=discovery, crontab=f\"{fqdn_rand('d')} */8 * * *\","
        ' paused=not CONFIG.get_bool("outposts.discover"))]\n'
    )
    (source / "outposts" / "models.py").write_text(
        "class Outpost(Model):\n"
        "    @property\n"
        "    def schedule_specs(self):\n"
        "        return [\n"
        "            ScheduleSpec(actor=outpost_controller, uid=self.name, args=(self.pk,),"
        " crontab=f\"{fqdn_rand('c')} {fqdn_rand('c', 24)} * * *\", send_on_save=True),\n"
        "            ScheduleSpec(actor=outpost_controller, crontab=self.cron),\n"
        "        ]\n"
    )
    read = _tool().schedules(source)
    assert read["actors"] == {
        "authentik.outposts.tasks.discovery": "Find connections.",
        "authentik.outposts.tasks.outpost_controller": "Deploy an outpost.",
    }
    assert read["own"] == [
        {
            "actor": "authentik.outposts.tasks.discovery",
            "crontab": "{below 60} */8 * * *",
            "paused": False,
        }
    ]
    assert read["models"] == {  # a crontab in other words than these is left out
        "Outpost": [
            {
                "actor": "authentik.outposts.tasks.outpost_controller",
                "crontab": "{below 60} {below 24} * * *",
                "send_on_save": True,
                "uid": "name",
            }
        ]
    }
