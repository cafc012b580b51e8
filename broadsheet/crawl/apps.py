from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.crawl"
    label = "crawl"
