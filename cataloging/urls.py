app_name = "cataloging"

urlpatterns: list = []
