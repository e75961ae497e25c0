"""ISO 18626 endpoint (POST /sharing/iso18626): the ISO 18626 helper fills this in."""

urlpatterns: list = []
