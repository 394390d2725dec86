"""The web workbench: a FastAPI application with server-rendered pages and a JSON twin for each."""
