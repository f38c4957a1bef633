"""Word lists: common Swedish given names, party abbreviations and labels used in minutes."""

# Common given names in Sweden (a general list, used to split runs of names written without
# separators; names not listed still parse, only less reliably).
GIVEN_NAMES = frozenset(
    """
adam adrian agneta agnes albert albin alexander alexandra alf alice alva amanda amelia ana anders
andreas anette angelica anita ann anna annica annika anne anneli annelie annette anton arne arvid
asta astrid axel barbro bengt benny berit bernt bert bertil birgitta birgit bjarne björn bo bodil
bosse britt britta brita camilla carin carina carl carola caroline cecilia charlotta charlotte
christer christian christina christine claes clas conny dag dagmar daniel david dennis ebba edvin
elin elisabet elisabeth elise ella ellen elsa emelie emil emilia emma erik erika erica ernst eva
evelina ewa fanny felix filip folke frida fredrik gabriel gerd gert gertrud gun gunilla gunnar
gunnel gustav gustaf göran goran göte hanna hannes hans harald helen helena helén helene henrik
henrike hilda hugo håkan ida inga inger ingrid ingvar ingemar irene isak jakob jan jana jennie
jenny jens jesper jessica joakim joel johan johanna johannes john jonas jonathan josefin
josefine jörgen jukka julia kajsa karin karl karolina katarina kenneth kent kerstin kim kjell
klas kristian kristina kristoffer kurt lars lasse lena lennart leif lillemor linda linn linnea
lisa liselott lotta louise lovisa lucas ludvig magdalena magnus maja malin margareta
margit maria marianne marie marika marina marit marita markus martin mathias mats mattias maud
max mikael michael mona monica monika märta nils nina niklas nicklas nicolas ola olle olof
oliver oscar oskar ove patrik per peter petra pia pär rachel ragnar rasmus rebecka richard
rickard robert roger roland rolf ronny rut ruth sabina sandra sanna sara sebastian siv sofia
sofie solveig sonja stefan stellan sten stig susanne sven svante sören tina tobias tom tomas
thomas tommy tor torbjörn therese tove ulf ulla ulrika urban valter veronica viktor viktoria
vilhelm wilhelm william yvonne åke åsa örjan östen elisabeth marcus lina jonny
eric emanuel hampus
""".split()
)

PARTIES = frozenset("S M C V L KD MP SD FP NS FI PP".split())

GROUP_LABELS = [
    ("närvarande ledamöter", "ledamot", "present"),
    ("tjänstgörande ledamöter", "ledamot", "present"),
    ("beslutande ledamöter", "ledamot", "present"),
    ("beslutande", "ledamot", "present"),
    ("ledamöter", "ledamot", "present"),
    ("politiker", "ledamot", "present"),
    ("tjänstgörande ersättare", "ersattare", "present"),
    ("närvarande ersättare", "ersattare", "present"),
    ("ersättare", "ersattare", "present"),
    ("övriga närvarande", "ovriga", "present"),
    ("övriga deltagare", "ovriga", "present"),
    ("övriga deltagande", "ovriga", "present"),
    ("ovriga deltagande", "ovriga", "present"),
    ("ovriga deltagare", "ovriga", "present"),
    ("dessutom närvarande", "ovriga", "present"),
    ("dessutom", "ovriga", "present"),
    ("tjänstemän", "ovriga", "present"),
    ("tjänstepersoner", "ovriga", "present"),
    ("adjungerade", "ovriga", "present"),
    ("gäster", "ovriga", "present"),
    ("inbjudna gäster", "ovriga", "present"),
    ("inbjudna", "ovriga", "present"),
    ("inbjuden", "ovriga", "present"),
    ("föredragande", "ovriga", "present"),
    ("övriga", "ovriga", "present"),
    ("sekreterare", "sekreterare", "present"),
    ("anmält förhinder", None, "absent"),
    ("förhindrade", None, "absent"),
    ("förhinder", None, "absent"),
    ("frånvarande", None, "absent"),
    ("deltog inte", None, "absent"),
    ("ej närvarande", None, "absent"),
    ("närvarande", "narvarande", "present"),
    ("deltagare", "narvarande", "present"),
]

# Words that open a sentence or a label and so end a title or a run of names.
SENTENCE_STARTERS = frozenset(
    """
den det de detta dessa denna där man vi ni ingen inget en ett efter under vid till från
mötet ärendet ordförande ordföranden informationen information föredragande bilaga bilagor
beslut dnr diarienummer muntlig skriftlig protokollet anteckningarna dagordningen
föredragningslistan agendan kommunstyrelsen samtliga alla punkten presentation
""".split()
)

ORG_WORDS = frozenset(
    """
region regionen landstinget landsting kommun kommunen länsstyrelsen förbundet sekretariatet
kansliet förvaltningen nämnden styrelsen regionkontoret folkhälsoenheten
""".split()
)

# More Swedish given names, old and new (the list above is the common core).
GIVEN_NAMES = GIVEN_NAMES | frozenset(
    """
vera isak cajsa kajsa ronja viggo irma alma sixten greta ines wilma saga dagny signe harald rune yngve nora
paula tore gustav bertil ebba elsa hugo carl arvid emil maja ulla astrid tyra stina vilma selma ester
edith elvira alicia elsie ingeborg gunhild sigrid svea tora hedda thea tilde tindra juni nellie minna
liv lova freja majken gunvor gösta ivar otto sigurd einar elof evert helge holger konrad melker malte
måns ossian torsten valdemar vidar vincent algot alvar birger bror dan egon erling frans georg greger
hjalmar ingmar ivan jarl jerker josef kalle kasper leo liam love ludwig mauritz noah olov osvald
ragnvald rikard samuel sune tage torgny ture uno ville aino beata benita bianca dorotea ellinor emmy
filippa hedvig helga hillevi ingela ingegerd irja janet jeanette josefina katja kristin lisbeth
madeleine marlene mikaela moa natalie nathalie pernilla rakel rebecca rosa siri susann tilda ulrica
vendela viveka ylva agda
""".split()
)
