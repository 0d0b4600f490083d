"""Uploads to the API: the file size limit, enforced while the file is still arriving."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from articles.api.errors import PayloadTooLarge, megabytes


class SizeLimitedFileUploadHandler(FileUploadHandler):
    """Put first among a request's upload handlers: stops reading an uploaded file as soon as
    it grows past MAX_UPLOAD_MB, so that a huge upload is refused with a 413 before it is all
    written to a temporary file (DATA_UPLOAD_MAX_MEMORY_SIZE does not count files)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise PayloadTooLarge(
                f"The file is larger than {megabytes(settings.MAX_UPLOAD_MB * 1024 * 1024)}, "
                "the most an image upload may be."
            )
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one make the file
