"""Answering strategies behind one interface, registered by name (see `registry.py`)."""
