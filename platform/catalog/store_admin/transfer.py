"""Store admin: import and export of the catalog.

An upload is always a dry run first (catalog.imports.start_import): the merchant reads the
report row by row, then commits a clean dry run (commit_import). Jobs run in Celery; their
page polls the job's progress (catalog.imports.progress_of) and reloads when it ends. The
export streams catalog.exports, in the import's columns. The same services as the API
(catalog/api/views_io.py).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from catalog import exports, imports
from catalog.models import ImportJob
from catalog.store_admin.service_views import (
    TEMPLATES,
    PermittedViewSet,
    answered_by_roles,
    paginated,
    show_domain_error,
)
from config.api_errors import DomainError

JOBS_PER_PAGE = 20
RUNNING = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING)
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

answered_by_roles(ImportJob)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Catalog file",
        help_text="A .csv or .json file in the export's columns. It is checked first (a dry "
        "run): nothing is written until you commit it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json"}),
    )


class TransferView(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = ImportJob
    header_icon = "download"
    index_url_name = None
    job_url_name = None
    commit_url_name = None
    progress_url_name = None
    export_url_name = None

    def get_breadcrumbs_items(self):
        items = [{"url": reverse(self.index_url_name), "label": "Import & export"}]
        if self.page_title != "Import & export":
            items.append({"url": "", "label": self.get_page_title()})
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_import=self.user_has_permission("add"),
            can_commit=self.user_has_permission("change"),
            can_export=user.has_perm("catalog.view_product"),
            job_url_name=self.job_url_name,
            commit_url_name=self.commit_url_name,
            export_url_name=self.export_url_name,
            index_url=reverse(self.index_url_name),
        )
        return context


class TransferIndexView(TransferView, FormView):
    """Upload a file (a dry run), the export buttons, and the store's past imports."""

    any_permission_required = ["view", "add"]
    page_title = "Import & export"
    template_name = TEMPLATES + "transfer/index.html"
    form_class = UploadForm

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission("add"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            job = imports.start_import(
                upload=form.cleaned_data["file"], dry_run=True, actor=self.request.user.email
            )
        except DomainError as error:
            show_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "File received: checking every row (a dry run).")
        return redirect(self.job_url_name, job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(paginated(ImportJob.objects.all(), self.request, per_page=JOBS_PER_PAGE))
        return context


class ImportJobView(TransferView, TemplateView):
    """One import: where it stands (polled while it runs), its counts, its errors row by row,
    and the commit button once its dry run passed."""

    any_permission_required = ["view", "add"]
    template_name = TEMPLATES + "transfer/job.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.job = get_object_or_404(ImportJob, pk=kwargs["pk"])

    def get_page_title(self):
        return f"Import {self.job.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            job=self.job,
            running=self.job.status in RUNNING,
            processed=imports.progress_of(self.job),
            committable=self.job.status == ImportJob.Status.VALIDATED,
            progress_url=reverse(self.progress_url_name, args=[self.job.pk]),
        )
        return context


class ImportProgressView(TransferView, View):
    """Where a job stands, in JSON, for its page's polling."""

    any_permission_required = ["view", "add"]

    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob, pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "running": job.status in RUNNING,
                "processed_rows": imports.progress_of(job),
                "total_rows": job.total_rows,
            }
        )


class CommitImportView(TransferView, View):
    """Import for real the file of a dry run that passed."""

    permission_required = "change"

    def post(self, request, pk: int):
        job = get_object_or_404(ImportJob, pk=pk)
        try:
            imports.commit_import(job=job)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Importing: the catalog changes when every row is written.")
        return redirect(self.job_url_name, job.pk)


class ExportView(TransferView, View):
    """The whole catalog, streamed, as CSV or JSON (an export imports back)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("catalog.view_product"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, file_format: str):
        if file_format not in EXPORT_TYPES:
            raise Http404("Export as csv or json.")
        columns = exports.export_columns()
        stream = exports.stream_csv if file_format == "csv" else exports.stream_json
        response = StreamingHttpResponse(
            stream(exports.export_rows(), columns), content_type=EXPORT_TYPES[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="catalog.{file_format}"'
        return response


class TransferViewSet(PermittedViewSet):
    name = "catalog_transfer"
    url_prefix = "import-export"
    icon = "download"
    menu_label = "Import & export"
    menu_permissions = ("catalog.view_importjob", "catalog.add_importjob")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            job_url_name=self.get_url_name("job"),
            commit_url_name=self.get_url_name("commit"),
            progress_url_name=self.get_url_name("progress"),
            export_url_name=self.get_url_name("export"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(TransferIndexView), name="index"),
            path("imports/<int:pk>/", self.construct_view(ImportJobView), name="job"),
            path(
                "imports/<int:pk>/progress/",
                self.construct_view(ImportProgressView),
                name="progress",
            ),
            path("imports/<int:pk>/commit/", self.construct_view(CommitImportView), name="commit"),
            path("export/<str:file_format>/", self.construct_view(ExportView), name="export"),
        ]
