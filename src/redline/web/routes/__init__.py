"""Routes of the web workbench: one module per noun, each page with its JSON twin under /api/."""
