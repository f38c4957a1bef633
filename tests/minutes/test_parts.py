"""Unit tests of the minutes parser's parts, on small made-up snippets."""

import pytest

from samverkan.minutes import MinutesError, parse_text, validate
from samverkan.minutes.attendance import parse_attendance
from samverkan.minutes.dates import find_dates, find_time_ranges
from samverkan.minutes.decisions import assignments, attachments, decision_blocks, outcome, presenters, recommendations
from samverkan.minutes.header import (
    find_adjusters,
    find_body,
    find_chair,
    find_location,
    find_secretary,
    paragraph_range,
)
from samverkan.minutes.text import prepare_lines, strip_signatures

SECTION_DOC = """Protokoll Testrådet
Tid och plats
Stadshuset, sal 3, klockan 13.00-15.30
Paragrafer
§§ 41-43
Beslutande
Olle Testsson, (S), Norrby kommun
Kim Provare, (M), Söderby kommun (ersättare för Pia Exempel)
Övriga deltagare
Lena Lund, Norrby kommun
Utses att justera
Kim Provare

Innehållsförteckning
§ 41 Mötets öppnande\t3
§ 42 Budget\t4
§ 43 Övriga frågor\t5
Ordförande
Justerande
Utdragsbestyrkande
§ 41 Mötets öppnande
Ordförande Olle Testsson öppnade mötet.
Ordförande
Justerande
Utdragsbestyrkande
§ 42 Budget
Ärendet föredrogs av Lena Lund, ekonom.
Beslut: Kansliet får i uppdrag att ta fram en ny budget. Ska återrapporteras till Testrådet 12 mars.
§ 43 Övriga frågor
Ärendet utgår.
Bilagor
- Budgetunderlag 2030
"""


def test_section_items_and_toc():
    result = parse_text(SECTION_DOC)
    assert [i["number"] for i in result["items"]] == ["41", "42", "43"]
    assert result["items"][1]["title"] == "Budget"
    assert result["paragraphs"] == {"first": 41, "last": 43}
    assert result["items"][2]["outcome"] == "struck"
    assert result["attachments"] == ["Budgetunderlag 2030"]
    assert validate(result) == []


def test_section_attendance_and_roles():
    result = parse_text(SECTION_DOC)
    people = {p["name"]: p for p in result["attendance"]}
    assert people["Kim Provare"]["substitute_for"] == "Pia Exempel"
    assert people["Olle Testsson"]["party"] == "S"
    assert people["Lena Lund"]["group"] == "ovriga"
    assert result["adjusters"] == ["Kim Provare"]
    assert result["location"].startswith("Stadshuset")
    assert (result["start_time"], result["end_time"]) == ("13:00", "15:30")


def test_assignment_with_report_back():
    result = parse_text(SECTION_DOC)
    task = result["assignments"][0]
    assert task["assignee"] == "Kansliet"
    assert task["task"].startswith("ta fram en ny budget")
    assert task["due"].endswith("-03-12")
    assert task["report_to"] == "Testrådet"


def test_numbered_items_with_subitems():
    text = (
        "Minnesanteckningar Testgruppen\n\n1. Inledning\nText.\n2. Rapporter\n2.1. Första rapporten\n"
        "Föredragande: Ada Prov, Bo Test\n2.2. Andra rapporten\n3. Avslut\n"
    )
    result = parse_text(text)
    assert [i["number"] for i in result["items"]] == ["1", "2", "2.1", "2.2", "3"]
    assert result["items"][2]["presenters"] == ["Ada Prov", "Bo Test"]
    assert result["document_kind"] == "anteckningar"


def test_punkt_range_header():
    assert paragraph_range("Punkt 76-86") == {"first": 76, "last": 86}
    assert paragraph_range("Paragrafer 102-111") == {"first": 102, "last": 111}


def test_attendance_in_columns_and_absence():
    header = (
        "Närvarande:\nNorrby:\tAda Prov, Bo Test (ej punkten 4)\nSöderby:\t-\n\n"
        "Cecilia Exempel och David Exempel har anmält förhinder.\n"
    )
    people = parse_attendance(header)
    assert [p["name"] for p in people] == ["Ada Prov", "Bo Test", "Cecilia Exempel", "David Exempel"]
    assert people[1]["note"] == "ej punkten 4"
    assert people[0]["principal"] == "Norrby"
    assert [p["status"] for p in people] == ["present", "present", "absent", "absent"]


def test_flattened_attendance_list():
    header = "Beslutande Olle Testsson (S), Norrby Karin Provare (M), Söderby Övriga deltagare Lena Lund, Norrby"
    people = parse_attendance(header)
    assert [p["name"] for p in people] == ["Olle Testsson", "Karin Provare", "Lena Lund"]
    assert people[1]["principal"] == "Söderby"


def test_decision_blocks():
    body = "Beslut\n\nGruppen beslutar:\n\natt godkänna planen samt\n\natt återkomma i maj.\n\nÖvrigt noterades."
    blocks = decision_blocks(body)
    assert blocks == ["Gruppen beslutar: att godkänna planen samt att återkomma i maj."]
    assert decision_blocks("Beslut 2020-01-05: Protokollet läggs till handlingarna.\nInformation: x") == [
        "Protokollet läggs till handlingarna."
    ]
    assert decision_blocks("Beslut om budget tas i maj.") == []


def test_recommendations():
    decision = (
        "Rådet beslutar: att rekommendera länets kommuner att besluta att anta planen samt "
        "att föreslå att kansliet redovisar."
    )
    recs = recommendations("5", [decision])
    assert len(recs) == 1
    assert recs[0]["addressees"] == "länets kommuner"
    assert recs[0]["text"].endswith("anta planen")


def test_assignments_uppdrar():
    found = assignments("9", ["Rådet uppdrar till arbetsgruppen att utreda frågan."], 2024)
    assert found[0]["assignee"] == "arbetsgruppen"
    assert found[0]["due"] is None


def test_outcome_and_presenters():
    assert outcome("Ärendet flyttades till nästa möte.") == "deferred"
    assert outcome("Ärendet bordläggs.") == "deferred"
    assert outcome("Arbetet utgår från planen.") == "handled"
    assert presenters("Ada Prov och Bo Test presenterade läget.") == ["Ada Prov", "Bo Test"]


def test_dates_and_times():
    assert [d for _, d in find_dates("tisdagen den 3 maj 2022 och 2021-12-01")] == ["2022-05-03", "2021-12-01"]
    assert [d for _, d in find_dates("den 19 januari")] == ["XXXX-01-19"]
    assert find_time_ranges("kl 09.00-12.00")[0][1:] == ("09:00", "12:00")
    assert find_location("Plats: Kommunhuset, sal B\nTid: 10.00") == "Kommunhuset, sal B"


def test_page_furniture_removed():
    lines = prepare_lines("Text här Sida 3 av 28 mer text\n**fet** rubrik")
    assert "Sida" not in lines[0]
    assert lines[1] == "fet rubrik"


def test_errors_are_swedish():
    with pytest.raises(MinutesError, match="tomt"):
        parse_text("   ")
    with pytest.raises(MinutesError, match="protokoll"):
        parse_text("En helt vanlig text om väder och vind.")
    assert validate(parse_text("xyz", strict=False)) == []


# --- Conventions of OCR'd and flattened minutes (page-per-line text) ---


def test_agenda_span_ends_before_the_items():
    text = (
        "Protokoll Provrådet\n"
        "Innehållsförteckning 11 Mötets öppnande 12 Budget för nästa år med särskild inriktning på skolan och "
        "omsorgen 13 Övriga frågor Justerandes sign Utdragsbestyrkande\n"
        "11 Mötets öppnande Ordföranden öppnade mötet och hälsade alla välkomna till sammanträdet i dag.\n"
        "12 Budget Provrådets beslut: Provrådet godkänner budgeten.\n"
        "13 Övriga frågor\n"
    )
    result = parse_text(text)
    assert [i["number"] for i in result["items"]] == ["11", "12", "13"]
    assert result["items"][2]["title"] == "Övriga frågor"
    assert result["items"][1]["decisions"] == ["Provrådet godkänner budgeten."]


def test_short_last_page_loses_its_page_number():
    long_page = "1 Protokoll Provrådet " + "text " * 30
    lines = prepare_lines(long_page + "\n2 " + "mer " * 30 + "\n3 17 Budget Kort sida")
    assert lines[2] == "17 Budget Kort sida"
    assert prepare_lines("3 äpplen köptes")[0] == "3 äpplen köptes"
    # a short numbered line after a long one keeps its item number
    assert prepare_lines("1 Mötets öppnande " + "text " * 30 + "\n2 Val av justerare")[1] == "2 Val av justerare"


def test_printed_page_number_before_marked_heading():
    text = (
        "Sammanträdesprotokoll Provrådet\n"
        "38 § 29 Godkännande av dagordning Dagordningen godkänns. Justerandes sign Utdragsbestyrkande\n"
        "39 § 30 Utvecklingsarbete inom skolan Provrådets beslut Att förslaget godkänns\n"
    )
    result = parse_text(text)
    assert [i["number"] for i in result["items"]] == ["29", "30"]
    assert result["items"][0]["title"] == "Godkännande av dagordning"
    assert result["items"][1]["title"] == "Utvecklingsarbete inom skolan"
    assert result["items"][1]["decisions"] == ["Att förslaget godkänns"]


def test_ocr_signature_captions_and_tail_removed():
    body = "Provrådets beslut: Provrådet lägger rapporten till handlingarna. Ordförande xq Ju(st"
    assert decision_blocks(body) == ["Provrådet lägger rapporten till handlingarna."]
    assert "sign" not in strip_signatures("text J usterandes si gn Uldragsbeslyl-kande mer")


def test_empty_organ_field_falls_back_to_title_line():
    header = "Norrby kommun SAMMANTRÄDESPROTOKOLL Provrådet Sida 4 Organ Sammanträdesdatum Datum"
    assert find_body(header, header) == "Provrådet"


def test_signature_block_of_name_role_pairs():
    doc = "UNDERSKRIFTER Ada Prov Sekreterare Bo Testsson Ordförande Cilla Exempel Justerare"
    assert find_secretary(doc) == "Ada Prov"
    assert find_chair(doc) == "Bo Testsson"
    assert find_adjusters(doc, "Bo Testsson") == ["Cilla Exempel"]


def test_attachments_named_in_agenda_entries():
    text = (
        "Protokoll Provrådet\nUtsänd dagordning 1. Val av justerare 2. Delårsrapport Bilagor: a) PM, b) Rapport "
        "3. Yttrande om vägar Information av Ada Prov Bilaga: Underlag till yttrande. Mer finns på webben\n"
    )
    result = parse_text(text)
    assert [i["attachments"] for i in result["items"]] == [[], ["a) PM", "b) Rapport"], ["Underlag till yttrande"]]
    assert attachments("Bilagan visar läget.\nBilaga: Karta", []) == ["Karta"]


def test_truncated_members_heading():
    header = "Plats och tid Stadshuset ande Ada Prov ordförande Bo Test Anna Exempel Övriga Dan Prov sekreterare"
    people = parse_attendance(header)
    assert [p["name"] for p in people] == ["Ada Prov", "Bo Test", "Anna Exempel", "Dan Prov"]
    assert people[0]["group"] == "ledamot"


def test_standard_title_ends_run_on_heading():
    text = (
        "Protokoll Provrådet " + "x " * 60 + "\n"
        "§ 5 Val av justerare xt utser Ada Prov att justera protokollet tillsammans med ordföranden i dag. "
        "§ 6 Val av justerare och tid för justering Bo Test väljs. " + "y " * 40 + "\n"
    )
    result = parse_text(text)
    assert result["items"][0]["title"] == "Val av justerare"
    assert result["items"][1]["title"].startswith("Val av justerare och tid för justering")


def test_unnumbered_standard_headings_at_page_top():
    filler = "Punkten diskuterades ingående av gruppen och flera synpunkter framfördes under mötet. " * 2
    text = (
        "Minnesanteckningar Provgruppen Närvarande Ada Prov, Norrby Bo Test, Söderby " + filler + "\n"
        "Minnesanteckningar Mötet öppnas Mötet öppnades av Ada Prov. " + filler + "2. Föregående möte Godkändes. "
        "3. Val av justerare Bo Test valdes. " + filler + "\n"
        "Provgruppen 2/ Rapporter Rapport från styrgruppens möte den 3 maj Anna Prov rapporterade. " + filler + "\n"
    )
    result = parse_text(text)
    assert [(i["number"], i["title"]) for i in result["items"]] == [
        (None, "Mötet öppnas"),
        ("2", "Föregående möte"),
        ("3", "Val av justerare"),
        (None, "Rapporter"),
        (None, "Rapport från styrgruppens möte den 3 maj"),
    ]
    assert validate(result) == []
    # inside a sentence a standard phrase is no heading
    assert [i["number"] for i in parse_text(text.replace("2/ Rapporter", "2/ om att Rapporter"))["items"]] == [
        None,
        "2",
        "3",
    ]


def test_agenda_numbers_misread_by_ocr():
    text = (
        "Protokoll Provrådet\n"
        "Innehållsförteckning 8 Mötets öppnande 9 Budget för nästa år med särskild inriktning på skolan "
        "l 0 Nästa möte l l Övriga frågor Justerandes sign Utdragsbestyrkande\n"
    )
    result = parse_text(text)
    assert [(i["number"], i["title"]) for i in result["items"]][-3:] == [
        ("9", "Budget för nästa år med särskild inriktning på skolan"),
        ("10", "Nästa möte"),
        ("11", "Övriga frågor"),
    ]


# Rules added for conventions outside the shared corpus (made-up snippets).


def test_day_range_gives_both_days():
    assert [d for _, d in find_dates("Datum: 7-8 oktober 2031")] == ["2031-10-07", "2031-10-08"]


def test_adjustment_date_is_not_a_meeting_day():
    from samverkan.minutes.header import meeting_dates

    header = "Datum: den 4 mars 2031\nJusteringens plats och tid: Stadshuset, den 11 mars 2031\n"
    assert meeting_dates(header) == ["2031-03-04"]


def test_body_on_line_beside_kind_word():
    assert find_body("NORRBY KOMMUN\nTeknikberedningen\nPROTOKOLL\nDatum: 2031-01-01\n", "") == "Teknikberedningen"
    assert find_body("Minnesanteckningar\nNätverket för äldrefrågor i Norrby\nDatum: 2031-01-01", "") == (
        "Nätverket för äldrefrågor i Norrby"
    )
    assert find_body("Protokoll 3/2031\nTid: kl. 9-10\n", "Testrådet Testrådet") != "3/2031"


def test_body_after_anteckningar_fran():
    assert find_body("Anteckningar från Samverkan Norrby länsgrupp\nPlats: Rum 1", "") == "Samverkan Norrby länsgrupp"


def test_roles_with_party_organisation_and_leaders():
    assert find_chair("Kim Provsson (S), Norrby, ordförande\nPer Test (M), vice ordförande\n") == "Kim Provsson"
    assert find_chair("Per Test (M), vice ordförande\nOlle Testsson\n") is None
    assert find_secretary("Eva Prov (Norrby kommun), sekreterare\n") == "Eva Prov"
    assert find_secretary("Underskrifter\tSekreterare …………………\n\tEva Prov\n\tOrdförande …………\n") == "Eva Prov"
    assert find_chair("Ordförande: Lena Lund\nSekreterare: Eva Prov\n") == "Lena Lund"
    assert find_adjusters("Per Test valdes att jämte ordföranden justera protokollet.", "Lena Lund") == ["Per Test"]


def test_unparenthesised_substitute_is_not_attending():
    people = parse_attendance("Ledamöter\nKim Provsson (S), ersättare för Olle Testsson (S)\nPer Test (M)\n")
    assert [p["name"] for p in people] == ["Kim Provsson", "Per Test"]
    assert people[0]["substitute_for"] == "Olle Testsson"


def test_deltagare_label_and_organisation_in_parentheses():
    people = parse_attendance(
        "Deltagare:\nKim Provsson (Norrby kommun), Per Test (Region Söder)\nFrånvarande:\nEva Prov\n"
    )
    assert [(p["name"], p["status"]) for p in people] == [
        ("Kim Provsson", "present"),
        ("Per Test", "present"),
        ("Eva Prov", "absent"),
    ]
    assert people[0]["principal"] == "Norrby kommun"


def test_listed_secretary_does_not_end_attendance():
    people = parse_attendance("Övriga\nEva Prov, sekreterare\n\nAnmält förhinder: Per Test (M)\n")
    assert [(p["name"], p["status"]) for p in people] == [("Eva Prov", "present"), ("Per Test", "absent")]


def test_chair_caption_ends_attendance():
    people = parse_attendance("Frånvarande:\nEva Prov\n\nOrdförande: Lena Lund\n")
    assert [p["name"] for p in people] == ["Eva Prov"]


def test_region_after_comma_is_an_organisation():
    people = parse_attendance("Beslutande\nKim Provsson, Region Västra Söder\n")
    assert [p["name"] for p in people] == ["Kim Provsson"]


def test_inline_decision_keeps_first_letter():
    assert decision_blocks("Gruppen beslutar att anta planen.") == ["Gruppen beslutar att anta planen."]


def test_assignment_with_infinitive_verbs():
    found = assignments("5", ["Nämnden beslutar att ge förvaltningen i uppdrag att ta fram en plan."], 2031)
    assert found[0]["assignee"] == "förvaltningen"
    found = assignments("6", ["Nämnden beslutar att uppdra åt kanslichefen att följa upp bidragen."], 2031)
    assert found[0]["assignee"] == "kanslichefen"


def test_recommendation_after_beslutar_and_rekommenderar():
    found = recommendations("4", ["Rådet beslutar att rekommendera kommunerna att besluta att anta avtalet."])
    assert found[0]["addressees"] == "kommunerna"
    found = recommendations("5", ["Styrelsen rekommenderar medlemskommunerna att besluta att anta taxan."])
    assert found[0]["addressees"] == "medlemskommunerna"
    assert found[0]["text"] == "Styrelsen rekommenderar medlemskommunerna att besluta att anta taxan"


def test_arenden_list_is_a_table_of_contents():
    doc = (
        "Protokoll Testrådet\nÄrenden\n§ 1 Öppnande\n§ 2 Budget\n\n"
        "§ 1 Öppnande\nMötet öppnades.\n§ 2 Budget\nBeslut\nBudgeten antas.\n"
    )
    result = parse_text(doc)
    assert [i["number"] for i in result["items"]] == ["1", "2"]
    assert result["items"][1]["decisions"] == ["Budgeten antas."]


def test_table_cell_after_function_is_a_new_person():
    people = parse_attendance("Beslutande\tErsättare\nKim Provsson (S), ordförande\tOlle Testsson (S)\n")
    assert [p["name"] for p in people] == ["Kim Provsson", "Olle Testsson"]


def test_decision_under_heading_goes_on_with_next_sentence():
    body = (
        "Beslut\nNämnden beslutar att anta planen.\nKansliet får i uppdrag att ta fram en tidplan.\n"
        "Reservation\nPer Test (M) reserverar sig.\n"
    )
    assert decision_blocks(body) == ["Nämnden beslutar att anta planen. Kansliet får i uppdrag att ta fram en tidplan."]
    assert decision_blocks("Beslut\nNämnden beslutar att anta planen.\n\nEn ny fråga togs upp.\n") == [
        "Nämnden beslutar att anta planen."
    ]


def test_place_after_date_and_time_without_label():
    header = "Minnesanteckningar\nMöte den 3 maj 2031, klockan 9.00-11.00, Norrby stadshus, rum Ek\n"
    assert find_location(header) == "Norrby stadshus, rum Ek"


def test_past_tense_and_passive_decisions():
    assert decision_blocks("Gruppen beslutade att anta planen.") == ["Gruppen beslutade att anta planen."]
    assert decision_blocks("Beslöts att skicka förslaget vidare.") == ["Beslöts att skicka förslaget vidare."]


def test_assignment_task_without_deadline_words():
    found = assignments("5", ["Eva Prov ges i uppdrag att sammankalla gruppen senast den 3 maj 2031."], 2031)
    assert found[0]["task"] == "sammankalla gruppen"
    assert found[0]["due"] == "2031-05-03"


def test_secretary_in_parentheses_after_organisation():
    assert find_secretary("Namn\tOrganisation\nEva Prov\tNorrby kommun (sekreterare)\n") == "Eva Prov"
