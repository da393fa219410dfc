"""Sign-in with directory accounts against a real OpenLDAP slapd on loopback (StartTLS): roles from
groups, nested groups included; one account per directory entry, kept when the entry moves to
another OU; a disabled account, someone in no mapped group, and LDAP filter injection in the user
name are refused; a directory that does not answer leaves the break-glass password working. Skipped where slapd or python-ldap is missing, unless PORTAL_REQUIRE_LDAP=1 (CI)."""

import os
import socket
import time
from types import SimpleNamespace

import pytest

from django.contrib.auth import get_user_model

from staff_sign_in.models import StaffIdentity
from staff_sign_in.roles import parse_role_groups
from tests.staff_sign_in import directory_server as directory

pytestmark = pytest.mark.django_db
BACKEND = "staff_sign_in.directory.HospitalLDAPBackend"


@pytest.fixture(scope="module")
def slapd():
    reason = directory.missing_requirements()
    if reason:
        if os.environ.get("PORTAL_REQUIRE_LDAP") == "1":
            pytest.fail(f"{reason}; PORTAL_REQUIRE_LDAP=1 is set, so this is an error.", pytrace=False)
        pytest.skip(reason)
    server = directory.hospital_directory()
    yield server
    server.stop()


def use_directory(settings, url: str, *, start_tls: bool = True, ca_file: str = "") -> None:
    settings.LDAP_URL = url
    settings.LDAP_START_TLS = start_tls
    settings.LDAP_CA_FILE = ca_file
    settings.LDAP_BIND_DN = directory.SERVICE_DN
    settings.LDAP_BIND_PASSWORD = directory.SERVICE_PASSWORD
    settings.LDAP_USER_SEARCH_BASE = directory.PEOPLE
    settings.LDAP_USER_FILTER = "(uid=%(user)s)"
    settings.LDAP_GROUP_SEARCH_BASE = directory.GROUPS
    settings.LDAP_GROUP_FILTER = "(objectClass=groupOfNames)"
    settings.LDAP_ROLE_GROUPS = parse_role_groups("LDAP_ROLE_GROUPS", directory.ROLE_GROUPS)
    backends = [path for path in settings.AUTHENTICATION_BACKENDS if path != BACKEND]
    settings.AUTHENTICATION_BACKENDS = [*backends[:-1], BACKEND, backends[-1]]


@pytest.fixture
def hospital_directory(slapd, settings):
    use_directory(settings, slapd.ldap_uri, ca_file=slapd.cafile)
    return slapd


def sign_in(client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})


def roles_of(username_email: str) -> set[str]:
    user = get_user_model().objects.get(email=username_email)
    return set(user.groups.values_list("name", flat=True))


def test_a_nurse_in_a_group_nested_in_the_editors_group_signs_in_as_an_editor(client, hospital_directory):
    response = sign_in(client, "nina", directory.PASSWORDS["nina"])
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    nina = get_user_model().objects.get(email="nina@hospital.test")
    assert (nina.first_name, nina.last_name, nina.has_usable_password()) == ("Nina", "Nurse", False)
    assert roles_of("nina@hospital.test") == {"Editors"}
    assert StaffIdentity.objects.get(user=nina).subject == directory.entry_uuid(
        hospital_directory, f"uid=nina,{directory.PEOPLE}"
    )


def test_ldaps_works_too_and_a_certificate_from_another_authority_is_refused(client, slapd, settings):
    use_directory(settings, slapd.ldaps_uri, start_tls=False, ca_file=slapd.cafile)
    assert sign_in(client, "nina", directory.PASSWORDS["nina"])["Location"] == "/admin/"
    client.post("/admin/logout/")
    # The system's public authorities did not sign the directory's certificate: no password is sent.
    use_directory(settings, slapd.ldaps_uri, start_tls=False, ca_file="/etc/ssl/certs/ca-certificates.crt")
    refused = sign_in(client, "nina", directory.PASSWORDS["nina"])
    assert refused.status_code == 503 and "_auth_user_id" not in client.session


def test_roles_are_read_again_at_every_sign_in(client, hospital_directory):
    assert sign_in(client, "rita", directory.PASSWORDS["rita"]).status_code == 302
    assert roles_of("rita@hospital.test") == {"Clinical reviewers"}
    client.post("/admin/logout/")
    # Rita moves from the reviewers' group to the editors' group at the hospital.
    reviewers, editors = f"cn=portal-reviewers,{directory.GROUPS}", f"cn=portal-editors,{directory.GROUPS}"
    rita = f"uid=rita,{directory.PEOPLE}"
    vacant = f"cn=vacant,{directory.GROUPS}"  # a group of names needs one member
    hospital_directory.ldapmodify(f"dn: {reviewers}\nchangetype: modify\nreplace: member\nmember: {vacant}\n")
    hospital_directory.ldapmodify(f"dn: {editors}\nchangetype: modify\nadd: member\nmember: {rita}\n")
    try:
        assert sign_in(client, "rita", directory.PASSWORDS["rita"]).status_code == 302
        assert roles_of("rita@hospital.test") == {"Editors"}
    finally:
        hospital_directory.ldapmodify(f"dn: {editors}\nchangetype: modify\ndelete: member\nmember: {rita}\n")
        hospital_directory.ldapmodify(f"dn: {reviewers}\nchangetype: modify\nreplace: member\nmember: {rita}\n")


def move(server, dn: str, new_parent: str) -> str:
    """Moves an entry to another OU, and its group memberships with it, as Active Directory does
    by itself (OpenLDAP needs its refint overlay for that)."""
    rdn = dn.split(",", 1)[0]
    moved = f"{rdn},{new_parent}"
    server.ldapmodify(f"dn: {dn}\nchangetype: modrdn\nnewrdn: {rdn}\ndeleteoldrdn: 1\nnewsuperior: {new_parent}\n")
    for group in ("portal-reviewers", "all-staff"):
        server.ldapmodify(
            f"dn: cn={group},{directory.GROUPS}\nchangetype: modify\n"
            f"delete: member\nmember: {dn}\n-\nadd: member\nmember: {moved}\n"
        )
    return moved


def test_someone_moved_to_another_ou_keeps_their_account_and_roles(client, hospital_directory):
    rita_dn = f"uid=rita,{directory.PEOPLE}"
    assert sign_in(client, "rita", directory.PASSWORDS["rita"]).status_code == 302
    rita = get_user_model().objects.get(email="rita@hospital.test")
    identity = StaffIdentity.objects.get(user=rita)
    assert identity.subject == directory.entry_uuid(hospital_directory, rita_dn)
    client.post("/admin/logout/")

    moved_dn = move(hospital_directory, rita_dn, directory.ONCOLOGY)
    try:
        assert sign_in(client, "rita", directory.PASSWORDS["rita"])["Location"] == "/admin/"
        assert int(client.session["_auth_user_id"]) == rita.pk
        assert get_user_model().objects.filter(email="rita@hospital.test").count() == 1
        assert list(StaffIdentity.objects.filter(issuer="ldap", user__email="rita@hospital.test")) == [identity]
        # Read again at the new place: her groups name her new DN.
        assert roles_of("rita@hospital.test") == {"Clinical reviewers"}
    finally:
        move(hospital_directory, moved_dn, directory.PEOPLE)


def test_a_directory_that_does_not_send_the_id_attribute_refuses_with_a_clear_page(
    client, hospital_directory, settings, caplog
):
    settings.LDAP_ID_ATTRIBUTE = "objectGUID"  # Active Directory's, which OpenLDAP has not got
    response = sign_in(client, "nina", directory.PASSWORDS["nina"])
    # The log tells hospital IT which entry lacked which attribute.
    assert f"uid=nina,{directory.PEOPLE} has no objectGUID" in caplog.text
    assert response.status_code == 500
    assert "This site cannot recognise directory accounts yet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="nina@hospital.test").exists()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        # What python-ldap reads: Active Directory stores the first three fields little-endian.
        (bytes(range(0xF0, 0x100)), "f3f2f1f0-f5f4-f7f6-f8f9-fafbfcfdfeff"),
        # Sixteen bytes that are also valid UTF-8, which django-auth-ldap hands over decoded.
        ("DCBAFEHGIJKLMNOP", "41424344-4546-4748-494a-4b4c4d4e4f50"),
    ],
)
def test_an_active_directory_object_guid_is_kept_in_its_usual_spelling(settings, sent, kept):
    entry_id = pytest.importorskip("staff_sign_in.directory").entry_id
    settings.LDAP_ID_ATTRIBUTE = "objectGUID"
    assert entry_id(SimpleNamespace(attrs={"objectGUID": [sent]})) == kept


def test_someone_in_none_of_the_mapped_groups_is_refused_with_a_clear_page(client, hospital_directory):
    response = sign_in(client, "olly", directory.PASSWORDS["olly"])
    assert response.status_code == 403
    assert "You do not have access to this site" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="olly@hospital.test").exists()


def test_a_disabled_directory_account_is_refused(client, hospital_directory):
    response = sign_in(client, "dora", directory.PASSWORDS["dora"])
    assert response.status_code == 200  # the sign-in form again, with its error
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="dora@hospital.test").exists()


@pytest.mark.parametrize("username", ["*)(uid=*", "nin*", "*", "nina)(|(uid=*"])
def test_ldap_filter_syntax_in_the_user_name_matches_nobody(client, hospital_directory, username):
    response = sign_in(client, username, directory.PASSWORDS["nina"])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="nina@hospital.test").exists()


def test_a_directory_that_does_not_answer_fails_within_5_seconds_and_break_glass_still_works(client, slapd, settings):
    hung = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)  # accepts connections, never answers
    try:
        use_directory(settings, f"ldap://127.0.0.1:{hung.getsockname()[1]}", ca_file=slapd.cafile)
        started = time.monotonic()
        response = sign_in(client, "nina", directory.PASSWORDS["nina"])
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "The hospital directory is not answering" in response.content.decode()
        assert elapsed < 5, f"took {elapsed:.1f} s"

        get_user_model().objects.create_superuser("breakglass", "bg@hospital.test", "break-glass-password")
        assert sign_in(client, "breakglass", "break-glass-password")["Location"] == "/admin/"
    finally:
        hung.close()
