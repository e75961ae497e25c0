from django.urls import path

from marketing.support import views, views_staff

app_name = "support"

urlpatterns = [
    # The visitor's chat (public; the token in the URL is the visitor's key to the chat).
    path("chat/", views.chat, name="chat"),
    path("chat/widget/", views.widget, name="widget"),
    path("chat/start/", views.chat_start, name="chat_start"),
    path("chat/offline/", views.chat_offline, name="chat_offline"),
    path("chat/<str:token>/poll/", views.chat_poll, name="chat_poll"),
    path("chat/<str:token>/send/", views.chat_send, name="chat_send"),
    path("chat/<str:token>/typing/", views.chat_typing, name="chat_typing"),
    path("chat/<str:token>/close/", views.chat_close, name="chat_close"),
    path("chat/<str:token>/transcript/", views.chat_transcript, name="chat_transcript"),
    # Customer service's console.
    path("console/", views_staff.console, name="console"),
    path("console/poll/", views_staff.console_poll, name="console_poll"),
    path("console/transcripts/", views_staff.transcripts, name="transcripts"),
    path("console/canned/", views_staff.canned_list, name="canned_list"),
    path("console/canned/<int:pk>/", views_staff.canned_list, name="canned_edit"),
    path("console/<int:pk>/", views_staff.console_conversation, name="console_conversation"),
    path("console/<int:pk>/log/", views_staff.console_log, name="console_log"),
    path("console/<int:pk>/reply/", views_staff.console_reply, name="console_reply"),
    path("console/<int:pk>/typing/", views_staff.console_typing, name="console_typing"),
    path("console/<int:pk>/transfer/", views_staff.console_transfer, name="console_transfer"),
    path("console/<int:pk>/close/", views_staff.console_close, name="console_close"),
    # Surveys.
    path("surveys/", views_staff.survey_dashboard, name="survey_dashboard"),
    path("surveys/mine/", views.my_surveys, name="my_surveys"),
    path("survey/<str:token>/", views.survey_answer, name="survey_answer"),
    path("follow-ups/<int:pk>/", views_staff.follow_up_detail, name="follow_up_detail"),
    path("follow-ups/<int:pk>/close/", views_staff.follow_up_close, name="follow_up_close"),
]
