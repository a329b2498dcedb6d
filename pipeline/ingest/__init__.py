"""Ingestion: files, folders and zips of forms → checked, structured submission records."""
from .stage import IngestResult, ingest

__all__ = ["IngestResult", "ingest"]
