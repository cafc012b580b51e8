from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.extract"
    label = "extract"
