from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.sources"
    label = "sources"
