from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import SIGNED_IN


class MeSerializer(serializers.ModelSerializer):
    district = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "role", "district")

    @extend_schema_field(OpenApiTypes.STR)
    def get_district(self, user: User) -> str | None:
        return user.district_key


class MeApi(APIView):
    """The signed-in user's name, role and district."""

    allowed_roles = SIGNED_IN
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
