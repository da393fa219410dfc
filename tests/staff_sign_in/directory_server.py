"""Debian's OpenLDAP slapd, started on loopback for the tests through python-ldap's slapdtest, with
a small hospital directory: people, groups (one nested in another), a service account, and an
account disabled the OpenLDAP way (a password-policy lock, which slapd itself enforces).

StartTLS (on ldap_uri) and LDAPS (on ldaps_uri) use the test certificates slapdtest ships (for
127.0.0.1 and localhost)."""

import os
import shutil
import tempfile

SUFFIX = "dc=hospital,dc=test"
PEOPLE = f"ou=people,{SUFFIX}"
ONCOLOGY = f"ou=oncology,{PEOPLE}"  # a department under people, for moves between OUs
GROUPS = f"ou=groups,{SUFFIX}"
SERVICE_DN = f"cn=portal-reader,{SUFFIX}"
SERVICE_PASSWORD = "service-account-password"
PASSWORDS = {"nina": "nina-password-1", "rita": "rita-password-1", "olly": "olly-password-1", "dora": "dora-password-1"}


def missing_requirements() -> str | None:
    try:
        import ldap  # noqa: F401
        import slapdtest  # noqa: F401
    except ImportError:
        return "python-ldap is not installed (pip install -r requirements-ldap.txt)"
    if not shutil.which("slapd", path=os.environ.get("PATH", "") + ":/usr/sbin") or not os.path.isdir(
        "/etc/ldap/schema"
    ):
        return "slapd is not installed (apt-get install slapd ldap-utils)"
    return None


def person(uid: str, given: str, family: str, locked: bool = False) -> str:
    entry = (
        f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {given} {family}\n"
        f"givenName: {given}\nsn: {family}\nmail: {uid}@hospital.test\nuserPassword: {PASSWORDS[uid]}\n"
    )
    if locked:
        entry += "pwdAccountLockedTime: 000001010000Z\n"  # locked until an administrator unlocks it
    return entry + "\n"


def group(name: str, *members: str) -> str:
    lines = "".join(f"member: {member}\n" for member in members)
    return f"dn: cn={name},{GROUPS}\nobjectClass: groupOfNames\ncn: {name}\n{lines}\n"


DIRECTORY = (
    f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: hospital\no: Test Hospital\n\n"
    f"dn: {SERVICE_DN}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\n"
    f"cn: portal-reader\nuserPassword: {SERVICE_PASSWORD}\n\n"
    f"dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n\n"
    f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: applicationProcess\nobjectClass: pwdPolicy\n"
    "cn: default\npwdAttribute: userPassword\npwdLockout: TRUE\n\n"
    f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
    f"dn: {ONCOLOGY}\nobjectClass: organizationalUnit\nou: oncology\n\n"
    f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n\n"
    + person("nina", "Nina", "Nurse")
    + person("rita", "Rita", "Reviewer")
    + person("olly", "Olly", "Outsider")
    + person("dora", "Dora", "Departed", locked=True)
    # Nina is in the ward's group, and the ward's group is in the editors' group.
    + group("ward-7-nurses", f"uid=nina,{PEOPLE}")
    + group("portal-editors", f"cn=ward-7-nurses,{GROUPS}", f"uid=dora,{PEOPLE}")
    + group("portal-reviewers", f"uid=rita,{PEOPLE}")
    + group("all-staff", f"uid=olly,{PEOPLE}", f"uid=nina,{PEOPLE}", f"uid=rita,{PEOPLE}")
)

ROLE_GROUPS = f"Editors=cn=portal-editors,{GROUPS};Clinical reviewers=cn=portal-reviewers,{GROUPS}"


def hospital_directory():
    """A started slapd (a slapdtest.SlapdObject) holding DIRECTORY; call .stop() when done."""
    import slapdtest

    class HospitalDirectory(slapdtest.SlapdObject):
        suffix = SUFFIX
        openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
        slapd_loglevel = "none"
        TMPDIR = tempfile.gettempdir()  # not the working directory, slapdtest's default
        # The password-policy overlay is what refuses a locked account's bind.
        slapd_conf_template = (
            slapdtest.SlapdObject.slapd_conf_template.replace(
                "olcModuleLoad: back_%(database)s\n", "olcModuleLoad: back_%(database)s\nolcModuleLoad: ppolicy\n"
            )
            + f"\ndn: olcOverlay=ppolicy,olcDatabase={{1}}%(database)s,cn=config\nobjectClass: olcOverlayConfig\n"
            f"objectClass: olcPPolicyConfig\nolcOverlay: ppolicy\nolcPPolicyDefault: cn=default,ou=policies,{SUFFIX}\n"
        )

        def __init__(self):
            super().__init__()
            self.ldaps_uri = f"ldaps://127.0.0.1:{self._avail_tcp_port()}/"
            # slapdtest listens on ldap:// and ldapi:// only; its listener list is joined with
            # spaces, so this adds LDAPS beside them (its own tools keep using ldapi://).
            self.ldapi_uri = f"{self.ldapi_uri} {self.ldaps_uri}"

    server = HospitalDirectory()
    server.start()
    try:
        server.ldapadd(DIRECTORY)
    except Exception:
        server.stop()
        raise
    return server


def entry_uuid(server, dn: str) -> str:
    """The entryUUID slapd gave the entry (an operational attribute, read as the directory's
    administrator)."""
    import ldap

    connection = ldap.initialize(server.ldap_uri)
    try:
        connection.simple_bind_s(server.root_dn, server.root_pw)
        [(_, attributes)] = connection.search_s(dn, ldap.SCOPE_BASE, attrlist=["entryUUID"])
    finally:
        connection.unbind_s()
    return attributes["entryUUID"][0].decode()
