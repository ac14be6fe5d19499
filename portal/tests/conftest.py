from portal.tests.worker import celery_worker

__all__ = ["celery_worker"]
