"""Diagnosis engines behind one small interface, registered by name."""

from assistant.engines.base import Engine, available_engines, get_engine, register

__all__ = ["Engine", "available_engines", "get_engine", "register"]
