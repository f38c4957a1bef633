"""A small county with one user per role, so every test can say who may and who may not."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from samverkan.structure.models import Area, Body, Membership, Person, Principal, Role

PASSWORD = "test-password-123"


@dataclass
class World:
    area: Area
    other_area: Area
    region: Principal
    town: Principal
    village: Principal
    forum: Body  # public political forum
    group: Body  # public officials' group preparing the forum
    secret: Body  # internal body
    other_body: Body  # body in another area
    admin: object
    coordinator: object
    secretary: object
    member: object
    contact: object
    outsider: object
    member_person: Person
    insider: Person  # only in the internal body

    @classmethod
    @transaction.atomic  # one transaction, as a real change would be: the search index is built once, at the end
    def build(cls):
        area = Area.objects.create(name="Testlän", slug="testlan", county="Testlän")
        other_area = Area.objects.create(name="Annat län", slug="annat")
        region = Principal.objects.create(area=area, name="Region Test", slug="region-test", kind="region")
        town = Principal.objects.create(area=area, name="Stadby kommun", slug="stadby")
        village = Principal.objects.create(area=area, name="Byn kommun", slug="byn")
        forum = Body.objects.create(
            area=area,
            name="Ledningsforum",
            slug="ledningsforum",
            abbreviation="LF",
            level="political",
            kind="forum",
            charter="Leda samverkan.",
            mandate="Rekommendera.",
            reporting_route="Till huvudmännen.",
            rules_adopted=date(2024, 1, 1),
            rules_next_review=date(2099, 1, 1),
        )
        group = Body.objects.create(
            area=area,
            name="Chefsgruppen",
            slug="chefsgruppen",
            reports_to=forum,
            kind="preparatory_group",
            charter="Bereda ärenden.",
        )
        forum.prepared_by = group
        forum.save()
        secret = Body.objects.create(
            area=area,
            name="Hemliga gruppen",
            slug="hemliga-gruppen",
            visibility="internal",
            reports_to=group,
        )
        other_body = Body.objects.create(area=other_area, name="Grannforum", slug="grannforum")

        users = {}
        user_model = get_user_model()
        for name in ("admin", "coordinator", "secretary", "member", "contact", "outsider"):
            users[name] = user_model.objects.create_user(
                name,
                f"{name}@test.example",
                PASSWORD,
                first_name=name.capitalize(),
                last_name="Testsson",
                is_superuser=name == "admin",
                is_staff=name == "admin",
            )
        Role.objects.create(user=users["coordinator"], kind="coordinator", area=area)
        Role.objects.create(user=users["secretary"], kind="secretary", body=group)
        Role.objects.create(user=users["contact"], kind="contact", principal=town)

        member_person = Person.objects.create(
            first_name="Maja",
            last_name="Ledamot",
            slug="maja-ledamot",
            employer=town,
            email="maja.ledamot@stadby.example",
            user=users["member"],
        )
        chair = Person.objects.create(
            first_name="Olle",
            last_name="Ordförande",
            slug="olle-ordforande",
            employer=region,
            email="olle@region.example",
        )
        insider = Person.objects.create(
            first_name="Hedda",
            last_name="Hemlig",
            slug="hedda-hemlig",
            employer=region,
            email="hedda.hemlig@region.example",
        )
        Membership.objects.create(person=chair, body=forum, role="chair", principal=region, party="S")
        Membership.objects.create(person=member_person, body=forum, role="member", principal=town, party="M")
        Membership.objects.create(person=member_person, body=secret, role="member", principal=town)
        Membership.objects.create(person=insider, body=secret, role="chair", principal=region)
        return cls(
            area=area,
            other_area=other_area,
            region=region,
            town=town,
            village=village,
            forum=forum,
            group=group,
            secret=secret,
            other_body=other_body,
            member_person=member_person,
            insider=insider,
            **users,
        )

    def client_for(self, client, actor):
        """Log the client in as one of the named actors ("anonymous" leaves it logged out)."""
        if actor != "anonymous":
            client.force_login(getattr(self, actor))
        return client
