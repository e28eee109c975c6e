from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import SIGNED_IN
from incidents.models import District


class MeSerializer(serializers.ModelSerializer):
    district: serializers.SlugRelatedField[District] = serializers.SlugRelatedField(
        slug_field="ubigeo", read_only=True
    )

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "role", "district")


class MeApi(APIView):
    """The signed-in user's name, role and district."""

    allowed_roles = SIGNED_IN
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
