from registry.tests.browser import page

__all__ = ["page"]
