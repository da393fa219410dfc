"""The synonyms the portal ships with: brand names, abbreviations and spellings patients use.

Editors change them afterwards in the admin ("Search synonyms"); this only adds missing terms.
"""

from django.db import migrations

SYNONYMS = {
    # Checkpoint inhibitors: brand → generic name and type.
    "keytruda": "pembrolizumab checkpoint inhibitor",
    "opdivo": "nivolumab checkpoint inhibitor",
    "yervoy": "ipilimumab checkpoint inhibitor",
    "libtayo": "cemiplimab checkpoint inhibitor",
    "jemperli": "dostarlimab checkpoint inhibitor",
    "tecentriq": "atezolizumab checkpoint inhibitor",
    "imfinzi": "durvalumab checkpoint inhibitor",
    "bavencio": "avelumab checkpoint inhibitor",
    "pembrolizumab": "checkpoint inhibitor",
    "nivolumab": "checkpoint inhibitor",
    "ipilimumab": "checkpoint inhibitor",
    "pd-1": "checkpoint inhibitor",
    "pd1": "pd-1 checkpoint inhibitor",
    "pd-l1": "checkpoint inhibitor",
    "ctla-4": "checkpoint inhibitor",
    "immune checkpoint": "checkpoint inhibitor",
    # CAR T-cell therapy and its products.
    "car-t": "car t-cell therapy",
    "cart": "car t-cell therapy",
    "car t cell": "car t-cell therapy",
    "chimeric antigen receptor": "car t-cell therapy",
    "kymriah": "tisagenlecleucel car t-cell therapy",
    "yescarta": "axicabtagene car t-cell therapy",
    "tecartus": "brexucabtagene car t-cell therapy",
    "breyanzi": "lisocabtagene car t-cell therapy",
    "abecma": "idecabtagene car t-cell therapy",
    "carvykti": "ciltacabtagene car t-cell therapy",
    "aucatzyl": "obecabtagene car t-cell therapy",
    # Antibodies, vaccines, cytokines.
    "mab": "monoclonal antibody",
    "mabs": "monoclonal antibodies",
    "rituxan": "rituximab monoclonal antibody",
    "mabthera": "rituximab monoclonal antibody",
    "darzalex": "daratumumab monoclonal antibody",
    "blincyto": "blinatumomab bispecific antibody",
    "tecvayli": "teclistamab bispecific antibody",
    "kimmtrak": "tebentafusp bispecific antibody",
    "provenge": "sipuleucel-T cancer vaccine",
    "imlygic": "talimogene laherparepvec cancer vaccine",
    "t-vec": "talimogene laherparepvec cancer vaccine",
    "bcg": "bladder cancer vaccine",
    "il-2": "interleukin-2 cytokine",
    "il2": "interleukin-2 cytokine",
    "proleukin": "aldesleukin interleukin-2 cytokine",
    "aldesleukin": "interleukin-2 cytokine",
    "interferon": "cytokine",
    # Side effects.
    "irae": "immune-related side effects",
    "iraes": "immune-related side effects",
    "immune related adverse event": "immune-related side effects",
    "adverse event": "side effects",
    "crs": "cytokine release syndrome",
    "icans": "neurotoxicity confusion car t-cell",
    "neurotoxicity": "icans",
    # Everyday words.
    "immune therapy": "immunotherapy",
    "immuno": "immunotherapy",
    "jab": "vaccine",
    "drip": "infusion",
    "emergency": "get help now",
}


def add_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("portal_search", "SearchSynonym")
    existing = set(SearchSynonym.objects.values_list("term", flat=True))
    SearchSynonym.objects.bulk_create(
        SearchSynonym(term=term, expansion=expansion) for term, expansion in SYNONYMS.items() if term not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_search_synonyms_and_unanswered")]
    operations = [migrations.RunPython(add_synonyms, migrations.RunPython.noop)]
