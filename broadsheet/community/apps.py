from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.community"
    label = "community"
