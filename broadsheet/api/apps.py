from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.api"
    label = "api"
