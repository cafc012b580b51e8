from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.html import format_html

from broadsheet.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "section", "status", "published", "error_kind", "has_raw_page"]
    list_filter = ["status", "section", "error_kind", "source"]
    search_fields = ["title", "url"]
    date_hierarchy = "published"
    raw_id_fields = ["duplicate_of", "feed"]
    readonly_fields = ["content_hash", "created_at", "fetched_at", "processed_at", "attempts", "raw_page_kept"]

    def get_queryset(self, request):
        # One LEFT JOIN on the raw page's key (crawl.RawPage, kept for `broadsheet reextract`), not a query a row.
        return super().get_queryset(request).annotate(
            _has_raw_page=ExpressionWrapper(Q(raw_page__isnull=False), output_field=BooleanField()))

    @admin.display(boolean=True, description="raw page", ordering="_has_raw_page")
    def has_raw_page(self, obj) -> bool:
        return obj._has_raw_page

    @admin.display(description="raw page")
    def raw_page_kept(self, obj) -> str:
        page = getattr(obj, "raw_page", None) if obj is not None and obj.pk else None
        if page is None:
            return "none kept: `broadsheet reextract` skips this article"
        return format_html('<a href="{}">{} bytes</a> ({} compressed{}), fetched {}, HTTP {}, {}',
                           reverse("admin:crawl_rawpage_change", args=[page.pk]), f"{page.size:,}",
                           f"{page.stored_size:,}", ", cut at the extraction cap" if page.truncated else "",
                           page.fetched_at.strftime("%Y-%m-%d %H:%M"), page.status,
                           page.headers.get("content-type", "no content type"))
