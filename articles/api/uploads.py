"""Uploads to the API: the file size limit, enforced while the files are still arriving."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from articles.api.errors import PayloadTooLarge, megabytes


class SizeLimitedFileUploadHandler(FileUploadHandler):
    """Put first among a request's upload handlers: stops reading as soon as the files of one
    request add up to more than MAX_UPLOAD_MB, so that a huge upload is refused with a 413
    before it is all written to temporary files. DATA_UPLOAD_MAX_MEMORY_SIZE does not count
    files, and a form may hold many of them (DATA_UPLOAD_MAX_NUMBER_FILES, 100 by default)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if self.received > limit:
            raise PayloadTooLarge(
                f"The upload is larger than {megabytes(limit)}, the most an image may be."
            )
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one make the file
