from django.apps import AppConfig


class MilaConfig(AppConfig):
    name = "mila"

    def ready(self) -> None:
        from mila import lookups  # noqa: F401  (registers the lookups)
