from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.enrich"
    label = "enrich"
