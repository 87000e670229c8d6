"""高新区智慧园区管理平台 (the zone platform): one Django project, one app per domain module."""
