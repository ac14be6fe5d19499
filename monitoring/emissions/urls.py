from django.urls import path

from monitoring.emissions import views

app_name = "emissions"
urlpatterns = [
    path("sources/<int:pk>/", views.source, name="source"),
    path("sources/<int:pk>/channels/new/", views.channel_new, name="channel-new"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel-edit"),
]
