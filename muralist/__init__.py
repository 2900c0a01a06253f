"""Muralist: a self-hosted, multi-tenant text-to-image service."""

__version__ = "0.1.0"
