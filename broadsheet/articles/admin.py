from django.contrib import admin

from broadsheet.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "section", "status", "published", "error_kind"]
    list_filter = ["status", "section", "error_kind", "source"]
    search_fields = ["title", "url"]
    date_hierarchy = "published"
    raw_id_fields = ["duplicate_of", "feed"]
    readonly_fields = ["content_hash", "created_at", "fetched_at", "processed_at", "attempts"]
