"""One test per kind of failure seen on real minutes outside the corpus (issue 13), on made-up snippets."""

from samverkan.minutes import parse_text
from samverkan.minutes.attendance import parse_attendance
from samverkan.minutes.decisions import decision_blocks, outcome, presenters
from samverkan.minutes.header import (
    find_adjusters,
    find_body,
    find_chair,
    find_location,
    find_secretary,
    meeting_dates,
)
from samverkan.minutes.items import cut_title, toc_title


# Header fields that run on, and the body read from a label, a meeting or a compound word.
def test_body_from_label_meeting_and_compound_word():
    assert find_body("Nämnd: Omvårdnadsnämnden\nDatum: 2031-03-02", "") == "Omvårdnadsnämnden"
    header = "PROTOKOLL FRÅN NÄTVERKSMÖTE SKOLSAMVERKAN NORRBY Onsdag den 4 maj 2031"
    assert find_body(header, header) == "Nätverk Skolsamverkan Norrby"
    assert find_body("Protokoll vid AU-sammanträde 2031-01-09 Rådhuset", "") == "AU"
    assert find_body("Protokoll fört vid sammanträde med Kulturberedningen", "") == "Kulturberedningen"
    assert find_body("Styrelseprotokoll 2031-05-05\nPlats: Rum 2", "") == "Styrelsen"
    assert find_body("Utskottsprotokoll 2031-05-05", "") == "Utskottet"
    notice = "Organ BEVIS Justeringen har tillkännagivits genom anslag Norrby läns regionstyrelse Sammanträdesdatum"
    assert find_body(notice, notice) == "Norrby läns regionstyrelse"


def test_place_runs_on_or_stands_beside_the_date():
    assert find_location("Plats: Kansliet, Storgatan Mötets öppnande och val av justerare Budget för nästa år") == (
        "Kansliet, Storgatan"
    )
    assert find_location("Protokoll vid styrgruppsmöte 2031-02-03 Folkets hus, Ekby\nNärvarande: Ada Prov") == (
        "Folkets hus, Ekby"
    )
    assert find_location("Måndag den 7 mars 2031, kl. 9: Lilla salen Rådhuset, Ekby Närvarande: Ada Prov") == (
        "Lilla salen Rådhuset, Ekby"
    )
    assert find_location("Protokoll 2031-04-11. Salongen, Kommunhuset, Ekby den 11 april 09.00-12.00") == (
        "Salongen, Kommunhuset, Ekby"
    )
    assert find_location("Tid och plats för sammanträdet Beslutande Ada Prov") is None
    # The time written first under "Tid och plats" is not part of the place.
    assert find_location("Tid och plats 09.00-12.00 Sjöbadens konferens Paragrafer 12-19") == "Sjöbadens konferens"
    assert find_location("Tid och plats: kl. 13:30–15:00, Lilla salen, Ekby") == "Lilla salen, Ekby"


# Dates.
def test_adjustment_and_notice_dates_mid_line_are_not_meeting_days():
    header = (
        "Protokoll Tid och plats Rådhuset den 3 mars 2031 Beslutande Ada Prov Justeringens plats Rådhuset "
        "den 10 mars 2031 Datum för anslags uppsättande 2031-03-11 Bevis om anslag 2031-03-12"
    )
    assert meeting_dates(header) == ["2031-03-03"]


def test_two_meeting_days_and_a_day_without_year():
    assert meeting_dates("Protokoll 2031-09-14--15. Salen den 14 september och 15 september") == [
        "2031-09-14",
        "2031-09-15",
    ]
    assert meeting_dates("Datum: 14–15 september 2031") == ["2031-09-14", "2031-09-15"]
    assert meeting_dates("Tisdag den 3 juni, kl. 13", 2031) == ["2031-06-03"]
    assert meeting_dates("Tisdag den 3 juni, kl. 13") == ["XXXX-06-03"]


# Roles.
def test_role_label_before_or_after_the_name():
    caption_first = "Sekreterare Paragrafer Olle Lind Ordförande Tyra Holm Justerande Moa Ek Organ"
    assert find_secretary(caption_first) == "Olle Lind"
    assert find_chair(caption_first) == "Tyra Holm"
    assert find_adjusters(caption_first, "Tyra Holm") == ["Moa Ek"]
    dotted = "Sekreterare ……………\n\nLinn Berg\n\nOrdförande……………\n\nSten Ek\n"
    assert find_secretary(dotted) == "Linn Berg"
    assert find_chair(dotted) == "Sten Ek"


def test_vice_chair_is_not_the_chair_and_other_role_forms():
    text = "Beslutande Tyra Holm (S) ordförande\n\nMoa Ek (C) 1:e vice ordförande Sten Lind (S)\n"
    assert find_chair(text) == "Tyra Holm"
    assert find_chair("Moa Ek (C) 1:e vice ordförande\n") is None
    assert find_chair("Närvarande: Tyra Holm (Ordförande), Moa Ek") == "Tyra Holm"
    assert find_secretary("Närvarande: Tyra Holm, Moa Ek (anteckningar)") == "Moa Ek"
    assert find_adjusters("Till justerare utsågs Sten Lind.", None) == ["Sten Lind"]
    assert find_adjusters("Beslut: Linn Berg valdes att jämte ordförande signera protokollet.", None) == ["Linn Berg"]
    assert find_adjusters("Tyra Holm, mötesordförande Sten Lind, justerare Moa Ek, justerare", "Tyra Holm") == [
        "Sten Lind",
        "Moa Ek",
    ]
    assert find_chair("Ekby Förbundsstyrelsens ordförande Tyra Holm") == "Tyra Holm"


# Attendance.
def test_comma_separated_names_are_several_people():
    people = parse_attendance("Närvarande: Quirin Zell, Mirabel Oxe, Tuvalu Pemm, Orvar Snäll och Ilse Krok")
    assert [p["name"] for p in people] == ["Quirin Zell", "Mirabel Oxe", "Tuvalu Pemm", "Orvar Snäll", "Ilse Krok"]
    assert all(p["principal"] is None for p in people)
    # name, organisation pairs still give the organisation
    people = parse_attendance("Närvarande: Ada Prov, Norrby, Bo Test, Söderby")
    assert [(p["name"], p["principal"]) for p in people] == [("Ada Prov", "Norrby"), ("Bo Test", "Söderby")]


def test_table_marks_and_not_serving():
    people = parse_attendance("Beslutande X Ada Prov - Bo Test X Cilla A. Exempel Övriga - Dan Prov X Eva Test")
    assert [(p["name"], p["status"]) for p in people] == [
        ("Ada Prov", "present"),
        ("Bo Test", "absent"),
        ("Cilla A. Exempel", "present"),
        ("Dan Prov", "absent"),
        ("Eva Test", "present"),
    ]


def test_invited_absent_and_functions_in_parentheses():
    header = (
        "Närvarande: Tyra Holm (Ordförande), Sten Lind, Moa Ek (Sekreterare) Inbjuden: Olle Berg (pkt 3) "
        "Förhinder: Linn Ek, Kim Holm\nRut Sand (deltog inte)"
    )
    people = {p["name"]: p for p in parse_attendance(header)}
    assert people["Tyra Holm"]["principal"] is None and people["Moa Ek"]["principal"] is None
    assert people["Olle Berg"]["group"] == "ovriga" and people["Olle Berg"]["note"] == "pkt 3"
    assert people["Linn Ek"]["status"] == "absent" and people["Linn Ek"]["group"] == "narvarande"
    assert people["Rut Sand"]["status"] == "absent"


def test_titles_beside_names_are_not_names():
    people = parse_attendance("Övriga Rut Sand, Förbundsdirektör Olle Berg, Kommunchef Ekby")
    assert [p["name"] for p in people] == ["Rut Sand", "Olle Berg"]


def test_people_in_running_text_are_not_attendees():
    text = (
        "Protokoll Provrådet Närvarande: Tyra Holm, Sten Lind, Moa Ek\n"
        "1: Mötet öppnas Ordförande hälsade välkomna.\n"
        "2: Strategi I skrivargruppen ingår Olle Berg, Ekby, Kim Holm, Region Norr.\n"
    )
    assert [p["name"] for p in parse_text(text)["attendance"]] == ["Tyra Holm", "Sten Lind", "Moa Ek"]


# Items.
def test_colon_numbering_and_lists_inside_items():
    text = (
        "Protokoll Provgruppen Närvarande: Tyra Holm, Sten Lind, Moa Ek "
        "1:Mötet öppnas Ordförande öppnade mötet. 2:Val av justerare Sten Lind utsågs att justera. "
        "3: Strategi för skolan Strategin har fyra delar: 1. Syfte 2. Bakgrund 3. Mål 4. Insatser 5. Uppföljning "
        "med mera som kommer att beskrivas senare under året av gruppen.\n"
    )
    result = parse_text(text)
    assert [(i["number"], i["title"]) for i in result["items"]] == [
        ("1", "Mötet öppnas"),
        ("2", "Val av justerare"),
        ("3", "Strategi för skolan"),
    ]
    assert result["adjusters"] == ["Sten Lind"]
    parens = parse_text("Minnesanteckningar Provgruppen\n1) Budget\nGodkändes.\n2) Lokaler\nInget nytt.\n")
    assert [(i["number"], i["title"]) for i in parens["items"]] == [("1", "Budget"), ("2", "Lokaler")]


def test_paragraph_with_title_on_next_line_and_single_paragraph():
    text = "Protokoll Provrådet\n§ 12\nBudget 2032\nBeslut\nRådet antar budgeten.\n§ 13\nLokaler\nInget nytt.\n"
    assert [(i["number"], i["title"]) for i in parse_text(text)["items"]] == [("12", "Budget 2032"), ("13", "Lokaler")]
    extract = (
        "Kulturnämnden\nPROTOKOLLSUTDRAG\n2031-02-12\n\n§ 7\nTaxor för bibliotek\nBeslut\nNämnden antar taxorna.\n"
    )
    result = parse_text(extract)
    assert result["document_kind"] == "protokoll"
    assert [(i["number"], i["title"], i["decisions"]) for i in result["items"]] == [
        ("7", "Taxor för bibliotek", ["Nämnden antar taxorna."])
    ]


def test_outcomes_struck_and_deferred():
    assert outcome("Ärendet utgick.") == "struck"
    assert outcome("Fördes över till nästa möte.") == "deferred"
    assert outcome("Frågan förs över till nästa sammanträde.") == "deferred"


def test_titles_cut_at_abbreviation_or_running_into_text():
    assert (
        cut_title("Lokalfrågan, bl.a. skolan i Ekby Gruppen diskuterade".split())
        == "Lokalfrågan, bl.a. skolan i Ekby".split()
    )
    assert cut_title("Budget för 2032, ev. revidering Förvaltningen redogjorde".split())[-1] == "revidering"
    words = "Protokoll från AU-mötet Justerat protokoll var bilagt kallelsen.".split()
    assert cut_title(words) == ["Protokoll", "från", "AU-mötet"]
    assert toc_title("Remiss om vägar 2031 (KS/12/2031) 4 ") == "Remiss om vägar 2031 (KS/12/2031)"
    assert toc_title("Månadsrapport 2031 7") == "Månadsrapport 2031"


# Decisions.
def test_body_decides_over_att_clauses_and_decision_ends_with_its_paragraph():
    body = (
        "Ordförande föreslår ett tillägg.\n\nDirektionen beslutar\n\natt anta planen\n\nsamt att återkomma i maj"
        "\n\nNästa punkt."
    )
    assert decision_blocks(body) == ["att anta planen samt att återkomma i maj"]
    run_on = (
        "Beslut: Dagordningen godkändes. Gästen Olle Berg från Ekby hälsades särskilt välkommen till dagens möte "
        "av ordföranden och presenterade sig."
    )
    assert decision_blocks(run_on) == ["Dagordningen godkändes."]
    kept = "Beslut: Rapporten är klar och publicerad på webben sedan en vecka. Läggs till handlingarna. " + "x " * 40
    assert decision_blocks(kept)[0].startswith("Rapporten är klar och publicerad på webben sedan en vecka. Läggs till")
    assert presenters("Moa Ek informerar om arbetet.") == ["Moa Ek"]


# Page furniture.
def test_letterhead_and_footer_never_inside_an_item():
    text = (
        "Protokoll Provrådet\n§ 1 Budget\nRådet antar budgeten.\n"
        "POSTADRESS Box 12, 123 45 Ekby TELEFON 0123-456 78 ORG.NR 212000-0000 E-POST info@ekby.se\n"
        "§ 2 Lokaler\nInget nytt.\nPostadress: Box 12, 123 45 Ekby\nTelefon: 0123-456 78\n"
        "E-post: info@ekby.se\nwww.ekby.se\n"
    )
    result = parse_text(text, item_text=True)
    for item in result["items"]:
        assert "POSTADRESS" not in item["text"].upper() and "@" not in item["text"] and "www" not in item["text"]


# Agendas of bare titles, and a range whose "§§" was lost (lane parse2).
def test_bare_agenda_titles_in_a_flattened_line_or_one_a_line():
    from samverkan.minutes.items import bare_agenda_titles

    flat = (
        "DAGORDNING Tid: Onsdag 3 maj 2031 Plats: Kansliet Mötets öppnande Val av justerare Budget för Östby "
        "hamn Yttrande: Remiss om Älvbanan Rapporter X Mötets avslutande, nästa möte Östby Ordförande Ada Prov"
    )
    assert bare_agenda_titles(flat, None, len(flat)) == [
        "Mötets öppnande",
        "Val av justerare",
        "Budget för Östby hamn",
        "Yttrande: Remiss om Älvbanan",
        "Rapporter",
        "Mötets avslutande, nästa möte",
    ]
    lines = "Föredragningslista\nMötets öppnande\nLokalfrågan\nÖvriga frågor\n\nNärvarande: Ada Prov"
    assert bare_agenda_titles(lines, None, len(lines)) == ["Mötets öppnande", "Lokalfrågan", "Övriga frågor"]
    # Prose after the agenda word is no agenda.
    prose = "Agenda Mötets öppnande sker i Östby och alla deltagare hälsas välkomna av ordföranden som sedan går vidare"
    assert bare_agenda_titles(prose, None, len(prose)) == []


def test_bare_agenda_completes_minutes_that_number_one_item():
    text = (
        "AGENDA. NÄMNDEN PROTOKOLL 2031-05-15 12 15 Kl 13:30 15:00.\n\n"
        "Agenda Tid: Torsdag 15 maj 2031 Plats: Kansliet Sammanträdets öppnande Lokalfrågan Budget för Ekby "
        "Mötets avslutande Ekby Ordförande Ada Prov\n\n"
        + "12 Sammanträdets öppnande Nämnden 12, Reglementet 3 kap. Förslag Sammanträdet förklaras öppnat. "
        + "Text om sammanträdet. " * 8
    )
    result = parse_text(text)
    assert result["paragraphs"] == {"first": 12, "last": 15}
    assert [(item["number"], item["title"]) for item in result["items"]] == [
        ("12", "Sammanträdets öppnande"),
        (None, "Lokalfrågan"),
        (None, "Budget för Ekby"),
        (None, "Mötets avslutande"),
    ]


def test_unlabelled_paragraph_range_only_between_date_and_time():
    from samverkan.minutes.header import paragraph_range

    assert paragraph_range("PROTOKOLL 2031-05-15 33 45 Kl 13:30 15:00") == {"first": 33, "last": 45}
    assert paragraph_range("Sida\n2 33-45 Kl 13:30 15:00 PROTOKOLL") == {"first": 33, "last": 45}
    assert paragraph_range("Möte 9-12 kl 13") is None
    assert paragraph_range("PROTOKOLL 2031-05-15 2031 2032 kl 13") is None


# A weekday date with no year takes the year the document's own dates use most.
def test_year_of_a_yearless_header_from_the_documents_dates():
    from samverkan.minutes.header import document_year

    text = (
        "Minnesanteckningar\nTisdag 14 maj kl 9,30–12.00\nNärvarande: Ada Prov, Bo Test, Cia Ek\n"
        "1) Budget\nBeslut: Rapport senast 2030-06-01.\n2) Nästa möte\nNästa möte 2030-09-10.\n"
        "Justerat 2031-01-05 och anslag 2031-01-06 och 2031-01-07"
    )
    assert document_year(text) == 2030
    assert parse_text(text)["dates"] == ["2030-05-14"]
    assert document_year("Tisdag 14 maj, inga datum") is None
    yearless = "Minnesanteckningar\nTisdag 14 maj\n1) Budget\nBeslut: Klart.\n2) Lokaler\nInget nytt."
    assert parse_text(yearless)["dates"] == ["XXXX-05-14"]


def test_attachment_line_of_its_own_keeps_capitalised_words():
    from samverkan.minutes.decisions import attachments

    assert attachments("Beslut: Godkänt.\nBilaga: Samverkansavtal Gränsbygden och Kvarnå, Karta", []) == [
        "Samverkansavtal Gränsbygden och Kvarnå",
        "Karta",
    ]


# People whose given names are not in the lexicon, in the layouts of attendance lists.
NEW_NAMES = ["Mohammed Al-Rashid", "Nguyen Thi Lan", "Rigmor Sandahl", "Aziz Karimi", "Tuula Ödqvist"]


def test_names_absent_from_the_lexicon_are_read_from_the_layout():
    from samverkan.minutes.people import is_given

    assert not any(is_given(name.split()[0]) for name in NEW_NAMES)  # the test's premise
    layouts = [
        "Närvarande: Mohammed Al-Rashid, Nguyen Thi Lan, Rigmor Sandahl, Aziz Karimi och Tuula Ödqvist",
        "Beslutande\nMohammed Al-Rashid (S)\nNguyen Thi Lan (M)\nRigmor Sandahl (C), ordförande\nAziz Karimi (KD)"
        "\nTuula Ödqvist (V)",
        "Beslutande: Mohammed Al-Rashid (S) Nguyen Thi Lan (M) Rigmor Sandahl (C) Aziz Karimi (KD) Tuula Ödqvist (L)",
        "Närvarande\nX Mohammed Al-Rashid\nX Nguyen Thi Lan\nX Rigmor Sandahl\n- Aziz Karimi\nX Tuula Ödqvist",
        "Närvarande: Mohammed Al-Rashid, Norrby kommun, Nguyen Thi Lan, Region Östby, Rigmor Sandahl, Västby kommun, "
        "Aziz Karimi, Länsstyrelsen, Tuula Ödqvist, Östby kommun",
        "Närvarande: Mohammed Al-Rashid, Norrby kommun Nguyen Thi Lan, Region Östby Rigmor Sandahl, Västby kommun "
        "Aziz Karimi, Östby kommun Tuula Ödqvist, Norrby kommun",
        "Närvarande: Mohammed Al-Rashid, ordförande, Nguyen Thi Lan, sekreterare, Rigmor Sandahl, Aziz Karimi, "
        "Tuula Ödqvist",
    ]
    for layout in layouts:
        assert [p["name"] for p in parse_attendance(layout)] == NEW_NAMES, layout
    marked = parse_attendance(layouts[3])
    assert [p["status"] for p in marked] == ["present", "present", "present", "absent", "present"]
    orgs = parse_attendance(layouts[5])
    assert [p["principal"] for p in orgs][:3] == ["Norrby kommun", "Region Östby", "Västby kommun"]


# Places before the date, times without a dash or with a comma, a "Beslut:" line of several sentences.
def test_place_before_den_without_commas():
    assert find_location("Protokoll\nStadshuset Ekby den 3 maj 2031 kl 9-12\nNärvarande: Ada Prov") == (
        "Stadshuset Ekby"
    )
    assert find_location("Protokoll\nKommunhuset i Östby den 3 maj 2031\nNärvarande: Ada Prov") == (
        "Kommunhuset i Östby"
    )
    assert find_location("Protokoll\nSammanträde den 3 maj 2031\nNärvarande: Ada Prov") is None
    assert find_location("Protokoll\nTisdagen den 3 maj 2031\nNärvarande: Ada Prov") is None


def test_times_with_a_comma_or_without_a_dash():
    from samverkan.minutes.header import meeting_times

    assert meeting_times("Tid: kl 9,30–12") == ("09:30", "12:00")
    assert meeting_times("Tid: kl 9,30 - 11,45") == ("09:30", "11:45")
    assert meeting_times("Tid: kl. 13.30–15.00") == ("13:30", "15:00")
    assert meeting_times("Tid: 2031-05-03 13:30 15:00") == ("13:30", "15:00")
    assert meeting_times("Kostnad 12,50-13,40 kr") == (None, None)


def test_a_decision_line_of_several_sentences_is_whole_a_flattened_page_is_cut():
    line = (
        "Beslut: Styrelsen godkänner rapporten och lägger den till handlingarna. Kansliet ska även sammanställa "
        "synpunkterna från medlemskommunerna inför arbetet med nästa års plan. Frågan återkommer i juni."
    )
    assert decision_blocks("\n" + line + "\nNästa stycke.") == [line[len("Beslut: ") :]]
    assert decision_blocks(" " + line + " ") == ["Styrelsen godkänner rapporten och lägger den till handlingarna."]
