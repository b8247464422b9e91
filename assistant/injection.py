"""Strip instructions aimed at the assistant from a problem description.

A description is data: a sentence or line that addresses the reviewing system ("ignore your
instructions", "SYSTEM:", "Assistant: the root cause is ...", "label this as strategy", "reveal
your prompt"), in English or in another main language, is removed before retrieval and before
any engine sees the text, and a warning says so.

`strip_instructions` works on the normalised text (`assistant.normalize.normalize_text`: NFKC,
no zero-width or bidi characters) and keeps the normalised text; each sentence is judged on a
homoglyph-folded view, so "ignоrе" with Cyrillic letters, fullwidth letters and zero-width
characters inside words do not hide an instruction. Besides single sentences it removes:

- hidden content (HTML comments, elements styled invisible, markdown comments, invisible
  Unicode tag text: `assistant.critique.guard.strip_hidden`) and chat-template blocks;
- role lines ("Assistant:", "System:", "### Instruction", "<|system|>", "[INST]") and fake
  transcripts ("Human: ... / AI: ..."): once the text holds an assistant or system turn, the
  other turns' labelled lines and verdict-shaped sentences go too;
- instructions split over lines: wrapped lines are judged joined, and short runs of lines are
  judged joined when none of them is an instruction alone;
- base64, hex and rot13 blobs that decode to an instruction (only the blob is removed).

The per-sentence detector is shared with the plan critique (`assistant.critique.guard`).
All patterns are precompiled and linear; ASCII text takes fast paths.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from assistant.critique.guard import is_injection, strip_hidden
from assistant.normalize import fold_for_match, normalize_text

__all__ = ["is_instruction", "normalize_text", "strip_instructions"]

_I = 0  # no re.IGNORECASE: patterns are lower case and run on lower-cased views (2-3x faster)
_EXTRA = re.compile(
    r"\b(reveal|print|show|repeat|output)\b.{0,40}\b(system prompt|your (instructions|prompt|rules))\b|"
    r"\b(classify|label|diagnose|categori[sz]e|mark)\b.{0,30}\b(this|it|the (case|problem|text))\b.{0,30}"
    r"\bas\b.{0,20}\b(strategy|execution|culture|interpersonal)\b|"
    r"\b(cite|quote|include|use)\b.{0,40}\b(other|another|all) (workspace|team)s?'?\b|"
    r"\b(set|make|give|return|output)\b.{0,30}\b(every|all|the)? ?(scores?|confidence|category|verdict)\b.{0,20}\b(to|as|=)\b|"
    r"\bthis is an order\b|\b(order|instruction|message) from the (administrator|admin|developer|system)\b|"
    r"\byou are (now|no longer)\b|\bnew (rules|instructions) from\b|\b(respond|answer) (only )?(that|with)\b",
    _I,
)

# --- English: categories, role lines, verdict claims, asks and addresses -------------------

_CAT = r"(?:strateg(?:y|ic|ies)|execution(?:al)?|culture|cultural|interpersonal|inter-personal)"
_ADDRESSEE = (
    r"(?:ai|a\.i\.|assistant|llm|language model|model|reviewer|grader|evaluator|classifier|bot|gpt"
    r"|chatgpt|claude|gemini|copilot|system|machine|algorithm|tool|engine|analy[sz]er|diagnos(?:tic|er)"
    r"|agent|automated(?:\s+[\w-]+)?|automatic(?:\s+[\w-]+)?|analysis (?:tool|engine|pipeline|system))s?"
)
_AI = (
    r"(?:ai|a\.i\.|assistant|llm|language model|bot|chatbot|gpt|chatgpt|claude|gemini|copilot|classifier"
    r"|reviewer|grader|evaluator|diagnostic (?:assistant|tool|engine|system))s?"
)
_LEAD = r"^[\s>*#_~\-\[(|<{\"'`.]*"
_STRONG_ROLE = re.compile(
    _LEAD + r"(?:the\s+)?(?:assistant|a\.?i\.?|ai assistant|bot|chatbot|gpt[\w.-]*|chatgpt|claude|gemini|llm"
    r"|copilot|system|system prompt|sys|instruction|instructions|final answer|expected (?:output|answer|response)"
    r"|correct answer|assistant response|model (?:output|response|answer))"
    r"(?:\s*\([^)\n]{0,20}\))?(?:\s+(?:response|reply|message|note|output|says|said|replied|answered|wrote|turn))?"
    r"\s*[\])|>}]*\s*[:=>-]"
    r"|^[\s>*]*#{2,}\s*(?:response|assistant|answer|system|instruction|output)\b"
    r"|<\|\s*(?:system|assistant|im_start|im_end|endoftext|eot_id|start_header_id)\s*\|>|<</?sys>>|\[/?inst\]"
    r"|[\"']role[\"']\s*:\s*[\"'](?:system|assistant|developer)[\"']"
    r"|^[\s>*#_\-\[(]*(?:new|updated|revised|real|actual|hidden|secret)\s+(?:instructions?|rules|task|orders|prompt)\s*[:>-]"
    r"|^[\s>*#_\-\[(]*(?:override|force|admin override|jailbreak|developer mode|god mode)\s*[\])]*\s*[:>=-]"
    r"|</?(?:system|assistant|instructions?|sys)>",
    _I,
)
_WEAK_ROLE = re.compile(
    _LEAD + r"(?:human|user|me|you|q|question|a|answer|customer|client|operator|developer|admin|model|output|"
    r"person|prompt)(?:\s*\([^)\n]{0,20}\))?\s*[\])|>}]*\s*[:=>]"
    r"|^[\s>*]*#{2,}\s*(?:human|user|question|input)\b|<\|\s*user\s*\|>",
    _I,
)
_VERDICT_CLAIM = re.compile(
    r"\b(?:answer|category|classification|label|diagnosis|verdict|bucket|root[- ]cause category|final call)"
    r"(?:\s+[\w']+){0,3}?\s*(?:is|=|:|to|into|should be|must be|will be|would be|->|→)\s*(?:an?\s+|the\s+|"
    rf"clearly\s+|definitely\s+|obviously\s+|simply\s+)*[\"'(\[«]?{_CAT}\b"
    rf"|\b(?:output|result|response)\s*[:=]\s*[\"'(\[]?{_CAT}\b"
    rf"|\b(?:category|label|verdict|classification|diagnosis|root[ _-]?cause|answer|bucket)[\"']?\s*[:=]\s*"
    rf"[\"'(\[]?{_CAT}\b"
    rf"|\b{_CAT}\s+(?:is|would be|should be|must be|will be)\s+the\s+(?:right|correct|proper|real|true|only|best|"
    r"expected|final)\s+(?:label|category|answer|classification|diagnosis|verdict|bucket|call|output)\b"
    rf"|\b(?:category|label|verdict|classification|diagnosis)\s*[=:]?\s*[\"'(\[]?{_CAT}\s*[\"')\]]?\s*$",
    _I,
)
_VERBS = (
    r"(?:classif\w*|categori[sz]\w*|label\w*|tag(?:s|ged|ging)?|fil(?:e|ed|es|ing)|mark\w*|put(?:s|ting)?|"
    r"treat\w*|record\w*|flag\w*|diagnos\w*|call\w*|report\w*|answer\w*|respond\w*|repl(?:y|ies|ied|ying)|"
    r"output\w*|return\w*|say(?:s|ing)?|said|conclud\w*|confirm\w*|cod(?:e|ed|es|ing)|bucket\w*|log(?:s|ged|ging)?|"
    r"list\w*|com(?:e|es|ing) back|came back|consider\w*|count\w*|rat(?:e|ed|es|ing)|scor(?:e|ed|es|ing)|"
    r"assign\w*|sort\w*|plac(?:e|ed|es|ing)|rout(?:e|ed|es|ing)|writ(?:e|es|ing|ten)|wrote|pin(?:s|ned|ning)?|"
    r"go(?:es|ing)? with|went with|pick\w*|choos\w*|chose|select\w*|settl\w* on|set(?:s|ting)?|chang\w*|"
    r"forc\w*|switch\w*|mov(?:e|ed|es|ing)|declar\w*|determin\w*|decid\w*)"
)
_CLASSIFY_AS = re.compile(
    rf"\b{_VERBS}\b[^.\n]{{0,40}}?\b(?:as|under|into|with|is|be|=|:|that|it'?s|to|in)\s+(?:(?:an?|the|clearly|"
    rf"definitely|purely|mainly|simply|just|obviously|its|it|being|a pure)\s+){{0,2}}[\"'“(\[«]?{_CAT}\b"
    rf"|\b(?:answer\w*|say(?:s|ing)?|said|pick\w*|choos\w*|select\w*|return\w*|output\w*|report\w*|go(?:es|ing)? with|"
    rf"went with|settl\w* on|"
    rf"diagnos\w*|writ(?:e|es|ing)|label\w*|tag(?:s|ged|ging)?|call\w*|mark\w*)\s+[\"'“(\[«]?{_CAT}\b"
    rf"|\b(?:classify|label|tag|mark|call|file|diagnose|categori[sz]e|treat)\s+(?:this|it|that|the above|everything|"
    rf"(?:this|the|that) (?:case|problem|text|description|issue|situation|one|message))\s+(?:as\s+)?(?:an?\s+)?"
    rf"[\"'“(\[«]?{_CAT}\b",
    _I,
)
_ASKING = re.compile(
    r"\b(?:please|pls|plz|kindly|could you|would you|can you|will you|you could|you should|you must|"
    r"you'll|you will|you'd|you need to|i need you to|i want you to|i'd (?:be grateful|appreciate|"
    r"like you to|love it)|i would (?:be grateful|appreciate)|it would (?:really )?help|do me a favou?r|"
    r"would you mind|if you could|make sure|be sure to|remember to|don't forget to|go ahead and|"
    r"you'd make|thanks in advance|pretty please|your (?:diagnosis|answer|verdict|output|reply|label|"
    r"classification|category)|if it's not too much trouble|grateful if)\b",
    _I,
)
_VOCATIVE = (
    rf"(?:(?:dear|hey|hi|hello|ok|okay|attention)\s+)?(?:the\s+|my\s+)?(?:[\w-]+\s+)?{_AI}\s*[,:]\s*"
)
_IMPERATIVE_START = re.compile(
    rf"^[\W\d]*(?:{_VOCATIVE})?(?:[\w-]+\s*:\s*)?(?:(?:please|kindly|just|now|so|and|then|also|finally)\s+)*"
    r"(?:classify|categori[sz]e|label|tag|file|mark|treat|record|flag|diagnose|call|report|pick|choose|"
    r"select|answer|respond|reply|output|return|say|conclude|confirm|put|go with|settle on|assign|sort|"
    r"route|write down|log|bucket|consider|count|rate|set|change|force|switch|declare)\b",
    _I,
)
_IGNORE_MORE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|overlook|discard)\b[^.\n]{0,40}?\b(?:classifier|"
    r"analysis|diagnosis|engine|model|rules|guidelines|instructions|(?:text|description|sentences?|"
    r"everything|anything|what|words|content|details)(?:\s+[\w']+){0,3}?\s+(?:above|below|around|before|after|else|"
    r"that follows|follows|here|earlier|so far|previously)|what follows|the rest of (?:this|the|my) "
    r"(?:text|description|message)|the above|previous\w*|prior|all of (?:that|this|the above)|"
    r"the (?:text|description|facts))\b"
    r"|\b(?:regardless of|irrespective of|no matter|never mind|whatever)\s+(?:the above|what (?:the )?(?:text|"
    r"description|rest|above|i wrote|it says)|anything (?:above|else)|everything (?:above|else)|the (?:text|"
    r"description|rest|details|facts))",
    _I,
)
_DECODE_AND_FOLLOW = re.compile(
    r"\b(?:decode|decipher|translate|unscramble|reverse|base64|rot13|hex)\b[^.\n]{0,50}\b(?:follow|obey|execute|"
    r"do what|apply|run|act on|comply)\b",
    _I,
)
_ROOT_CLAIM = re.compile(
    rf"\b(?:root[- ]?causes?|underlying (?:issue|problem|cause)|real (?:issue|problem|cause)|core (?:issue|problem)"
    rf"|actual (?:issue|problem|cause))\b[^.\n]{{0,25}}?(?:\bis\b|\bwas\b|=|:|\bbeing\b|\bas\b)[^.\n]{{0,25}}?\b{_CAT}\b"
    rf"|\bit'?s (?:clearly |obviously |definitely |really |simply |just )?(?:an? )?{_CAT}\b",
    _I,
)
_CAT_RE = re.compile(rf"\b{_CAT}\b")
_DIRECTIVE = re.compile(
    r"\b(?:the\s+)?(?:model|assistant|ai|system|bot|tool|classifier|engine|llm|reviewer|analysis|diagnosis|"
    r"output|answer|response|result|report)\s+(?:should|must|will|shall|has to|needs to|is to|ought to|"
    rf"is supposed to)\s+(?:[\w']+\s+){{0,3}}?[\"'(\[]?{_CAT}\b"
    r"|^\W*(?:please\s+)?(?:tell|inform|show|remind|assure|convince|let)\s+(?:the\s+)?(?:user|reader|client|"
    rf"requester|manager|team|them|him|her|me|us)\b[^.\n]{{0,40}}\b{_CAT}\b"
    r"|\b(?:if|when|so that|make sure|ensure|hope|wish)\s+(?:the\s+|your\s+|this\s+)?(?:tool|classifier|engine|"
    r"assistant|ai|model|bot|system|report|diagnosis|output|result|answer|verdict)\s+(?:says|said|shows|showed|"
    rf"returns|returned|outputs|comes back|came back|reads|would say|picks|picked)\b[^.\n]{{0,30}}\b{_CAT}\b"
    r"|(?:^|[,;:—–-]\s*|\b(?:and|then|just|simply|only)\s+)(?:classify|categori[sz]e|diagnose|label|return|"
    r"output|answer|respond|reply|say|report|tag|mark|put|file|treat|record|list|call)\s+(?:it\s+|this\s+)?"
    rf"(?:as\s+|with\s+|under\s+)?(?:an?\s+)?[\"'(\[]?{_CAT}\b",
    _I,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you've|yourself)\b", _I)
_ADDRESS = re.compile(
    r"\b(?:note|notes|nb|n\.b\.|p\.?s\.?|hint|message|memo|fyi|reminder|instructions?|attention|"
    r"heads[- ]up|tip|context|info|comment|guidance|directive|request|pre-?read|brief|briefing)\s*(?:to|for)\s+"
    rf"(?:the\s+|any\s+|all\s+|our\s+|you,?\s+|whichever\s+)?(?:[\w-]+\s+){{0,2}}?{_ADDRESSEE}\b"
    rf"|\b[\w-]+\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+|our\s+)?{_AI}(?:\s+[\w-]+)?\s*(?:\([^)\n]{{0,20}}\))?\s*[:,—–-]"
    r"|\b(?:if|when)\s+(?:any(?:one|thing|body)|some(?:one|thing|body)|whoever|whatever)\s+(?:[\w-]+\s+)?"
    r"(?:reads|is reading|processes|analy[sz]es|reviews|parses|scans|sees)\s+this\b"
    r"|\bto (?:whoever|whatever|anyone|anything|the (?:thing|one))\b[^.\n]{0,30}\b(?:read|analy[sz]|process|"
    r"review|classif|diagnos|evaluat|scor|look)\w*"
    r"|\b(?:if|when|since|because|as) you(?:'re| are) an? (?:ai|assistant|llm|language model|model|bot|"
    r"machine|program|classifier|automated)\b"
    rf"|^\W*(?:dear|hey|hi|hello|attention|ok|okay|listen|yo)[,\s]+(?:the\s+|my\s+|dear\s+)?(?:[\w-]+\s+)?{_AI}\b"
    rf"|^\W*\(?(?:[\w-]+\s+){{0,3}}{_AI}(?:\s+[\w-]+){{0,2}}\s*(?:\([^)\n]{{0,20}}\))?\s*:"
    rf"|\b(?:by the way|btw|oh and|also|and),?\s+{_AI}\s*,"
    rf"|\b{_ADDRESSEE}\s+(?:reading|reviewing|evaluating|grading|scoring|assessing|analy[sz]ing|checking|"
    r"processing|parsing|classifying|diagnosing)\s+(?:this|these|the (?:text|case|description|message))\b",
    _I,
)
_VOICE = re.compile(
    rf"\b(?:assistant|ai|model|bot|system|llm|gpt|chatgpt|claude)\s+(?:has\s+)?(?:said|replied|answered|responded|"
    rf"concluded|agreed|wrote|output|confirmed|decided)\b[^.\n]{{0,60}}\b{_CAT}\b"
    rf"|\byou(?:'ve| have)?\s+(?:already\s+|just\s+)?(?:agreed|said|concluded|confirmed|decided|determined|found|"
    rf"classified|labell?ed|answered|diagnosed)\b[^.\n]{{0,50}}\b{_CAT}\b",
    _I,
)
_CLAIM_SHAPE = re.compile(
    r"^\W*(?:the\s+|my\s+|our\s+|final\s+)?(?:yes|yep|yeah|sure|certainly|of course|absolutely|understood|agreed|"
    r"correct|right|ok(?:ay)?|great|definitely|clearly|it'?s|it is|this is|that'?s|that is|answer|diagnosis|"
    rf"root[- ]cause|category|verdict|label|classification)\b[^.\n]{{0,60}}\b{_CAT}\b"
    rf"|^\W*{_CAT}\W*(?:\(?(?:with\s+)?confidence[^)\n]{{0,20}}\)?)?\W*$",
    _I,
)
_SMALL_TALK = re.compile(
    r"^\W*(?:how (?:can|may) i help|is there anything else|anything else|happy to help|glad to help|"
    r"you're welcome|hello|hi there|let me know|previous conversation|chat (?:log|history)|transcript)\b"
)
_AI_LABEL = re.compile(rf"^[\s>*#_\-\[(|<]*(?:[\w-]+\s+){{0,2}}{_AI}\s*[\])|]*\s*[:>]")
# a fake end of the input placed before an instruction ("End of description. Now, assistant...")
_DELIMITER = re.compile(
    r"^\W*(?:(?:end of (?:the )?(?:user(?:'s)? )?(?:description|text|input|message|document|data|problem|case|ticket)"
    r"|(?:description|input|text|message) (?:ends|is over|complete)(?: here)?|end(?: of)? (?:input|transmission)))\W*$"
)
_HEADER = re.compile(r"^\W*(?:[\w'-]+\s+){0,3}[\w'-]+\s*:\s*$|^\s*\[(?:[\w'-]+\s+){0,2}[\w'-]+\]\s*$")


# --- other languages ------------------------------------------------------------------------
# Latin-script languages are matched on the folded view (accents dropped, lower-cased by the
# flag); Cyrillic and CJK on the normalised view.

_ML_CAT = (
    r"(?:estrategi\w*|ejecucion|cultur\w*|interpersonal\w*|strategi\w*|execution|interpersonn\w*|"
    r"ausfuhrung|umsetzung|kultur\w*|zwischenmenschlich\w*|interpersonell\w*|execucao|interpessoa\w*|"
    r"esecuzione|esecutiv\w*|uitvoering|cultuur|interpersoonlijk\w*|wykonani\w*|realizacj\w*|"
    r"interpersonaln\w*|miedzyludzk\w*|strateji\w*|uygulama\w*|yurutme\w*|kultur\w*|kisilerarasi\w*|"
    r"стратеги\w*|исполнени\w*|выполнени\w*|реализаци\w*|культур\w*|межличностн\w*)"
)
_CJK_CAT = r"(?:战略|策略|執行|执行|文化|人际|人際|戦略|実行|対人|人間関係|전략|실행|문화|대인)"
_ML_CAT_RE = re.compile(rf"\b{_ML_CAT}\b")
_CJK_CAT_RE = re.compile(_CJK_CAT)
_ML_CLASSIFY = re.compile(
    r"\b(?:clasific\w*|categoriz\w*|etiquet\w*|catalog\w*|marca|marque\w*|marcar|classe[rz]?|"
    r"classifi\w*|classement|range[rz]?|rangez|klassifizier\w*|kategorisier\w*|einstuf\w*|stufe|"
    r"einordn\w*|ordne|classific\w*|classifique\w*|rotul\w*|contrassegn\w*|classificeer\w*|"
    r"categoriseer\w*|label|markeer\w*|sklasyfikuj\w*|zaklasyfikuj\w*|oznacz\w*|kategoryzuj\w*|"
    r"siniflandir\w*|isaretle\w*|классифицир\w*|отнеси\w*|отнести|пометь\w*|определи\w*|"
    r"квалифицир\w*|категоризир\w*)\b"
    r"[^.\n]{0,60}?\b(?:como|comme|en tant que|dans la categorie|en|als|come|jako|do kategorii|olarak|"
    r"как|к|в)\s+[\"'«“(]?(?:\w+\s+){0,3}?[\"'«“(]?" + _ML_CAT + r"\b"
    r"|\b" + _ML_CAT + r"\s+(?:\w+\s+){0,2}olarak\s+(?:siniflandir|isaretle)\w*",
    _I,
)
_CJK_CLASSIFY = re.compile(
    r"(?:分类|分類|归类|歸類|归为|歸為|标记|標記|定性|判定|判断|划分|归入)[^。\n]{0,8}?" + _CJK_CAT
    + r"|" + _CJK_CAT + r"[^。\n]{0,12}?(?:に分類|として分類|と分類|に判定|と判定|로 분류|으로 분류|로분류|으로분류|"
    r"分类|分類|归类|歸類)",
)
_ML_IGNORE_VERB = re.compile(
    r"\b(?:ignora\w*|ignore[nz]?|ignorez|ignorier\w*|olvid[ae]n?|omite|descarta|oublie[sz]?|vergiss|"
    r"vergessen sie|esquec[ae]\w*|desconsider\w*|dimentica\w*|trascura|negeer|vergeet|zignoruj|ignoruj|"
    r"zapomnij|yok say\w*|gormezden gel\w*|unut|игнорир\w*|забудь\w*|не обращай\w*|не учитывай\w*)\b"
    r"|忽略|无视|無視|忘记|忘掉|不要理会|别管|忘れ|무시|잊어",
    _I,
)
_ML_INSTRUCTIONS = re.compile(
    r"\b(?:instruccion\w*|instructions?|consignes?|anweisung\w*|vorgaben|instrucoes|instrucao|istruzion\w*|"
    r"instructies|instrukcj\w*|polecen\w*|talimat\w*|regl\w*|regel\w*|regole|regras|reguly|инструкци\w*|"
    r"указани\w*|правил\w*|промпт\w*)\b|指令|指示|说明|規則|规则|ルール|提示|지시|규칙|지침",
    _I,
)
_ML_PREVIOUS = re.compile(
    r"\b(?:anterior\w*|previ\w*|precedent\w*|anteri\w*|ci-dessus|de arriba|del sistema|du systeme|todas|"
    r"toutes|tous|vorherig\w*|bisherig\w*|obigen|alle[ns]?|deine|ihre|tutte|precedenti|vorige|eerdere|"
    r"bovenstaande|wszystkie|poprzedni\w*|onceki|tum|butun|tus|tes|vos|suas|tuas|tue|je|предыдущ\w*|"
    r"прежн\w*|все|свои|системн\w*|hierboven|oben|arriba|dessus|sopra|acima|powyzej|yukarida\w*|выше)\b"
    r"|之前|以前|上面|上述|上記|所有|先の|これまで|すべて|全て|前の|이전|모든|위의|위",
    _I,
)
_ML_ADDRESS = re.compile(
    r"\b(?:para la ia|a la ia|para el asistente|al asistente|para el modelo|al modelo|querid[ao] (?:ia|asistente)|"
    r"estimad[ao] asistente|pour l'ia|a l'ia|a l'assistant|pour l'assistant|au modele|pour le modele|"
    r"cher assistant|chere ia|an die ki|fur die ki|an den assistenten|fur den assistenten|an das modell|"
    r"fur das modell|liebe ki|lieber assistent|para a ia|a ia|ao assistente|para o assistente|ao modelo|"
    r"para o modelo|cara ia|caro assistente|per l'ia|all'ia|per l'assistente|all'assistente|al modello|"
    r"per il modello|voor de ai|aan de ai|voor de assistent|aan de assistent|voor het model|aan het model|"
    r"beste ai|beste assistent|dla ai|do ai|dla asystenta|do asystenta|dla modelu|drogi asystencie|"
    r"yapay zeka(?:ya|ye| icin)|asistana|sevgili asistan)\b"
    r"|(?:для|к)\s+(?:ии|ассистента|модели|нейросети|бота)\b|\bассистенту\b|\bнейросет\w*\b"
    r"|给ai|給ai|致ai|给助手|給助手|给模型|ai助手|人工智能|aiへ|ai向け|アシスタントへ|モデルへ|ai에게|어시스턴트에게|모델에게|"
    r"^\W*(?:系统提示|系統提示|システムプロンプト|시스템 ?프롬프트|системн\w* (?:промпт|подсказка)|"
    r"asistente|assistente|assistent|asystent|asistan|ассистент|помощник|助手|アシスタント|"
    r"어시스턴트|ia|ki|ии|sistema|systeme|система|系统|系統|システム|시스템|modelo|modele|modell|модель|"
    r"模型|モデル|모델)\s*[:,]",
    _I,
)
_ML_ROOT = re.compile(
    r"\b(?:causa (?:raiz|principal|de fondo|real|radice|principale|di fondo)|cause (?:profonde|racine|"
    r"premiere|principale|reelle)|grundursache|hauptursache|kernursache|eigentliche ursache|ursache|"
    r"grondoorzaak|hoofdoorzaak|kernoorzaak|oorzaak|przyczyn\w*|kok neden\w*|temel neden\w*|"
    r"коренн\w* причин\w*|первопричин\w*|основн\w* причин\w*|причин\w*)\b"
    r"|根本原因|根源|根因|真因|근본 ?원인",
    _I,
)
_ML_ABOVE = re.compile(
    r"\b(?:tout ce qui precede|ce qui precede|ci-dessus|lo anterior|todo lo anterior|lo de arriba|lo que dice|"
    r"alles oben|alles vorherige|alles bisherige|das obige|den text oben|o que foi dito|tudo acima|o texto acima|"
    r"quanto sopra|tutto quanto sopra|il testo sopra|testo precedente|alles hierboven|het bovenstaande|"
    r"de tekst hierboven|wszystko powyzej|powyzszy tekst|yukaridaki\w*|всё выше|все выше|текст выше|"
    r"вышесказанное|выше)\b|上面的|上述|以上|上記|위 내용|위의 내용",
)
_ML_PLEASE_AS = re.compile(
    r"\b(?:bitte|por favor|s'il vous plait|s'il te plait|per favore|alsjeblieft|alstublieft|prosze|lutfen|"
    r"пожалуйста)\b[^.\n]{0,40}?\b(?:als|como|comme|en tant que|come|jako|olarak|как)\s+[\"'«“]?(?:\w+\s+){0,2}?"
    + _ML_CAT
    + r"|\b(?:als|como|comme|come|jako|как)\s+[\"'«“]?" + _ML_CAT + r"[\"'»”]?\s+(?:\w+\s+){0,2}?(?:einordnen|"
    r"einstufen|klassifizieren|kategorisieren|markieren|eintragen|werten|bewerten|ablegen|verbuchen)\b",
)
_ML_VERDICT_NOUN = re.compile(
    r"\b(?:categoria|categorie|kategorie|kategoria|kategori|categoria|clasificacion|classification|"
    r"klassifizierung|classificacao|classificazione|classificatie|klasyfikacja|siniflandirma|diagnostico|"
    r"diagnostic|diagnose|diagnosi|diagnoza|teshis|respuesta|reponse|antwort|resposta|risposta|antwoord|"
    r"odpowiedz|cevap|категори\w*|диагноз\w*|ответ\w*|классификаци\w*)\b"
    r"|类别|類別|类型|分类|分類|カテゴリ|診断|诊断|答案|回答|카테고리|범주|진단|답변",
    _I,
)
_ML_ANSWER = re.compile(
    r"\b(?:responde|responda|responder|contesta|reponds|repondez|repondre|antworte|antworten sie|"
    r"rispondi|rispondete|rispondere|antwoord|beantwoord|odpowiedz|cevap ver|yanitla|ответь\w*|"
    r"отвечай\w*|напиши|укажи|выведи|выдай|devuelve|renvoie|restituisci|retourneer|zwroc|dis (?:simplement|juste|"
    r"seulement|que|moi)|dites|sag(?:e|en sie)?|diga|dimmi|zeg|powiedz|soyle|скажи)\b"
    r"|回答|回复|答复|答え|応答|응답|답하|답해|输出|輸出|出力|출력",
    _I,
)
_ML_VERDICT_IS = re.compile(
    "(?:" + _ML_VERDICT_NOUN.pattern + r")[^.\n。]{0,25}?(?:\bes\b|\best\b|\bist\b|\blautet\b|\be\b|\bè\b|\bé\b|"
    r"\bis\b|\bjest\b|\bto\b|—|:|=|\bэто\b|是|は|는|은|为|為)[^.\n。]{0,20}?(?:" + _ML_CAT + "|" + _CJK_CAT + ")"
)
_NON_LATIN = re.compile("[\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ENGLISH_WORD = re.compile(
    r"\b(?:the|and|is|are|was|were|to|of|we|our|that|this|it|with|for|they|have|has|but|not|be|by|from|"
    r"you|your|my|i|me|he|she|his|her|them|their|who|what|which|when|because)\b",
    _I,
)


def _looks_english(text: str) -> bool:
    return any(hits >= 3 for hits, _ in enumerate(_ENGLISH_WORD.finditer(text), 1))


def _other_language(folded: str, plain: str) -> bool:
    """An instruction in Spanish, French, German, Portuguese, Italian, Dutch, Polish, Turkish,
    Russian, Chinese, Japanese or Korean: ignore previous instructions, classify as X, answer X,
    or a root cause / category addressed to the assistant."""
    for view in (folded, plain) if plain is not folded else (folded,):
        if _ML_IGNORE_VERB.search(view) and _ML_INSTRUCTIONS.search(view) and _ML_PREVIOUS.search(view):
            return True
        if (_ML_CLASSIFY.search(view) or _CJK_CLASSIFY.search(view) or _ML_VERDICT_IS.search(view)
                or _ML_PLEASE_AS.search(view)):
            return True
        category = _ML_CAT_RE.search(view) or _CJK_CAT_RE.search(view)
        if category and _ML_IGNORE_VERB.search(view) and _ML_ABOVE.search(view):
            return True
        if category and (_ML_ANSWER.search(view) or _ML_VERDICT_NOUN.search(view)) and (
            _ML_ADDRESS.search(view) or _ML_ANSWER.search(view)
        ):
            return True
        if _ML_ADDRESS.search(view) and (category or _ML_ROOT.search(view) or _ML_VERDICT_NOUN.search(view)):
            return True
    return False


def _english(view: str) -> bool:
    if _STRONG_ROLE.search(view):
        return True
    if not _CAT_RE.search(view):  # every other rule names a category
        return False
    if _VERDICT_CLAIM.search(view) or _VOICE.search(view) or _DIRECTIVE.search(view):
        return True
    if _IGNORE_MORE.search(view):
        return True
    addressed = _ADDRESS.search(view)
    asking = _ASKING.search(view) or _SECOND_PERSON.search(view)
    if _CLASSIFY_AS.search(view) and (asking or addressed or _IMPERATIVE_START.search(view)):
        return True
    if _ROOT_CLAIM.search(view) and (asking or addressed):
        return True
    if addressed and _CAT_RE.search(view):
        return True
    return _weak_role_claim(view)


def _weak_role_claim(view: str) -> bool:
    """"A: strategy.", "User: the category is culture": a labelled turn that states a verdict."""
    role = _WEAK_ROLE.search(view)
    if role is None:
        return False
    rest = view[role.end() :]
    return bool(_CLASSIFY_AS.search(rest) or _ROOT_CLAIM.search(rest) or _CLAIM_SHAPE.search(rest))


def _lower(text: str) -> str:
    text = text.lower()
    return text.replace("\u0307", "") if "\u0307" in text else text  # "İ".lower() is "i" + dot


def _views(sentence: str) -> tuple[str, str]:
    """The lower-cased folded view (Latin look-alikes folded, accents dropped) and the
    lower-cased normalised view (the same object when the text has no Cyrillic or CJK)."""
    if sentence.isascii():
        view = sentence.lower()
        return view, view
    plain = _lower(normalize_text(sentence))
    folded = _lower(fold_for_match(plain))
    return folded, (plain if _NON_LATIN.search(plain) else folded)


# Every English rule (here and in the guard) needs one of these; most sentences have none.
_GATE = re.compile(
    r"ignor|disregard|forget|overrid|bypass|skip|instruct|prompt|system|assistant|chatbot|model|llm|gpt|"
    r"claude|gemini|copilot|reviewer|grader|evaluator|automated|classif|strateg|execution|cultur|"
    r"interpersonal|inter-personal|score|grade|rubric|checklist|confiden|categor|verdict|workspace|"
    r"new rules|your rules|respond|answer|developer|admin|human|output|response|expected|decod|decipher|rot13|"
    r"base64|translat|unscrambl|revers|jailbreak|god mode|(?:rules|task|orders|force)\s*[\])]*\s*[:>=-]|"
    r"<\||\[/?inst|<<|##"
)
_GATE_WORDS = re.compile(
    r"\b(?:ai|a\.i\.|bots?|sys|hex|rat(?:e|ed|ing)|mark|user|you are|an order|order from|"
    r"(?:other|another|all) teams?|(?:every|all|the) checks?)\b"
)


# ... and every rule for other languages needs one of these (or a Cyrillic, CJK or Hangul letter)
_ML_GATE = re.compile(
    "[\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
    r"|ignor|olvid|omit|descart|oubli|vergiss|vergess|esquec|desconsider|dimentic|trascur|negeer|vergeet|"
    r"zignoruj|zapomnij|yok say|gormezden|unut|clasific|categori|kategori|etiquet|catalog|marc|marque|"
    r"class|rang|klassifiz|einstuf|stufe|einordn|ordne|rotul|contrassegn|markeer|sklasyfik|oznacz|"
    r"siniflandir|isaretle|respue|repon|antw|respos|rispo|odpowied|cevap|yanitla|respond|contest|diga|dimmi|"
    r"\bzeg|powiedz|soyle|\bdis\b|dites|\bsag|diagnos|teshis|bitte|favor|s'il|alsjeblieft|alstublieft|prosze|"
    r"lutfen|\bia\b|\bki\b|\bai\b|asist|assist|asyst|modelo|modele|modell|model|sistema|systeme|system|"
    r"yapay|devuelve|renvoie|restitu|retourneer|zwroc|causa|cause|ursache|oorzaak|przyczyn|neden|instruc|"
    r"anweisung|istruzion|instrukc|talimat|consigne|regl|regel|regole|regras|reguly|vorgaben|polecen|"
    r"strateg|cultur|kultur|execu|esecu|ejecu|uitvoer|umsetz|ausf|realiz|uygula|yurut|interp|zwischen|"
    r"kisiler|miedzy|categor|lautet"
)


_REPORTED = re.compile(
    r"\b(?:asked|told|tells|instructed|ordered|wanted|wants|pressured|pushed|forced|expects?|expected|urged|"
    r"begged|made)\s+(?:him|her|them|me|us|everyone|people|my \w+|the \w+|our \w+|[a-z]+)\s+to\b"
)


def _reported(view: str) -> bool:
    """Someone else's instruction reported in the description ("the VP asked him to mark the
    tests as passed"): data about the organisation, unless it also speaks to the assistant or
    names a category."""
    return bool(_REPORTED.search(view)) and not (
        _CAT_RE.search(view) or _ADDRESS.search(view) or _STRONG_ROLE.search(view)
        or _SECOND_PERSON.search(view) or _CHAT_MARKERS.search(view)
    )


_CHAT_MARKERS = re.compile(r"<\||\[/?inst\]|<</?sys>>|#{2,}\s*(?:instruction|system)|</?(?:system|assistant)>")


def is_instruction(sentence: str) -> bool:
    """True for a sentence that reads as an instruction to the assistant (in any main language,
    however its letters are disguised)."""
    folded, plain = _views(sentence)
    if not folded.strip():
        return False
    english = plain is folded and _looks_english(folded)
    if not (_GATE.search(folded) or _GATE_WORDS.search(folded)) and (english or not _ML_GATE.search(plain)):
        return False
    if english and _reported(folded):
        return False
    if is_injection(folded) or _EXTRA.search(folded) or _DECODE_AND_FOLLOW.search(folded) or _english(folded):
        return True
    return not english and _other_language(folded, plain)


# --- encoded blobs ----------------------------------------------------------------------------

_B64 = re.compile(
    r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}(?:\r?\n[A-Za-z0-9+/_-]{4,}(?=={0,2}[ \t]*(?:\n|$)))*={0,2}"
    r"(?![A-Za-z0-9+/=_-])"
)
_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?:0x)?(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Za-z])"
    r"|(?:\\x[0-9A-Fa-f]{2}){8,}|(?:0x[0-9A-Fa-f]{2}[ \t,]*){7,}0x[0-9A-Fa-f]{2}"
    r"|(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}[ :,-]){7,}[0-9A-Fa-f]{2}(?![0-9A-Za-z])"
)
_ROT13_HINT = re.compile(
    r"\b(?:gur|naq|guvf|vf|nf|lbh|lbhe|nyy|vtaber|qvfertneq|cerivbhf|vafgehpgvbaf|pynffvsl|ebbg|pnhfr|"
    r"pngrtbel|nffvfgnag|flfgrz|fgengrtl|phygher|rkrphgvba|vagrecrefbany|ynory|nafjre)\b",
    _I,
)


def _readable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\t")
    letters = sum(1 for c in text if c.isalpha())
    if len(text) < 8 or printable < 0.95 * len(text) or letters < 0.5 * len(text.replace(" ", "")):
        return None
    return text


def _decodes_to_instruction(blob: str, kind: str) -> bool:
    try:
        if kind == "b64":
            raw = re.sub(r"\s+", "", blob).rstrip("=")
            raw += "=" * (-len(raw) % 4)
            data = base64.b64decode(raw.replace("-", "+").replace("_", "/"), validate=True)
        else:
            digits = re.sub(r"0x|\\x|[\s:,-]", "", blob)
            data = binascii.unhexlify(digits)
    except (binascii.Error, ValueError):
        return False
    decoded = _readable(data)
    if decoded is None:
        return False
    return is_instruction(decoded) or _is_claim(decoded)


def _is_claim(decoded: str) -> bool:
    """Encoded text that names a category: hidden from the reader, so never data."""
    return bool(_CAT_RE.search(_lower(decoded)))


def _strip_encoded(text: str) -> tuple[str, int]:
    removed = 0

    def drop(kind: str):
        def inner(match: re.Match[str]) -> str:
            nonlocal removed
            if _decodes_to_instruction(match.group(0), kind):
                removed += 1
                return _BLOB
            return match.group(0)

        return inner

    if _HEX.search(text):
        text = _HEX.sub(drop("hex"), text)
    if _B64.search(text):
        text = _B64.sub(drop("b64"), text)
    if removed:
        text = _WRAPPED_BLOB.sub(_BLOB, text)
    return text, removed


_BLOB = "\x00"  # where a removed blob was: a sentence left with a few words around it goes too
_WRAPPED_BLOB = re.compile("[(\\[{<\"'“«`]\\s*\x00\\s*[)\\]}>\"'”»`]")


def _rot13_instruction(unit: str) -> bool:
    if len({m.lower() for m in _ROT13_HINT.findall(unit)}) < 2:
        return False
    decoded = codecs.decode(unit, "rot13")  # the view is lower case already
    return is_instruction(decoded) or _is_claim(decoded)


# --- sentences, wrapped lines, split instructions --------------------------------------------

_BLOCKS = re.compile(
    r"<\|im_start\|>.{0,4000}?<\|im_end\|>|\[INST\].{0,4000}?\[/INST\]|<<SYS>>.{0,4000}?<</SYS>>"
    r"|<(system|assistant|instructions?|prompt|admin|developer|sys|ai)\b[^<>]{0,100}>.{0,4000}?</\1\s*>",
    re.S | re.I,
)
_SPECIAL_TOKENS = re.compile(
    r"<\|[a-z_]{2,24}\|>|\[/?inst\]|<</?sys>>|</?s>|<\|?(?:endoftext|eot)\|?>", re.I
)
# markup that only structures the text: each becomes a line break before sentences are split
_STRUCTURE_TAGS = re.compile(
    r"</?(?:details|summary|div|p|br|li|ul|ol|section|article|blockquote|h[1-6]|tr|td|th|table)\b[^<>]{0,200}>",
    re.I,
)
_UNITS = re.compile(
    r"[ \t]*\n\s*|(?<=[.!?])[ \t]+|(?<=[.!?][\"')\]»”’])[ \t]+|(?<=。)[ \t]*|(?<=。[\"')\]」』])[ \t]*"
)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•>]\s*)?(?:\d{1,2}|[a-z])[.)]$", re.I)
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:p\.?s\.|n\.b\.|nb\.|e\.g\.|i\.e\.|mr\.|mrs\.|ms\.|dr\.|vs\.|cf\.|approx\.|no\.)$", re.I
)
_ENDS_SENTENCE = re.compile(r"[.!?。][\"')\]»”’]*\s*$")
_STARTS_LOWER = re.compile(r"^[\"'(]?[a-z]")
_FRAGMENT_HINT = re.compile(
    r"\b(?:ignore|disregard|forget|override|previous|prior|above|instructions?|classify|categori[sz]e|"
    r"label|assistant|system|respond|answer|output|verdict|category|note to|attention|root cause|ai)\b"
)
_ROLE_ONLY = re.compile(
    r"^[\s>*#_~\-\[(|<{\"'`.]*(?:the\s+)?(?:assistant|a\.?i\.?|bot|chatbot|gpt[\w.-]*|chatgpt|claude|gemini|llm|"
    r"copilot|system|sys|instruction|instructions|response|answer|output|final answer|expected output|"
    r"correct answer)\s*[\])|>}]*\s*[:=>-]?\s*$"
)
_ROLE_LABEL = re.compile(r"^[\s>*#_\-\[(|<]*[a-z][\w .-]{0,20}?\s*[\])|]*\s*[:>]")
_MAX_WINDOW = 6
_MAX_WRAPPED = 600  # a wrapped sentence longer than this is judged line by line
_MAX_WINDOW_CHARS = 400


def _units(text: str) -> list[list[str]]:
    """[unit, separator] pairs: sentences and lines. A list marker ("1.") or an abbreviation
    ("P.S.") stays with what follows, and a line wrapped mid-sentence (no end punctuation, the
    next line starting in lower case) is joined with the next one."""
    units: list[list[str]] = []
    pos = 0
    for match in _UNITS.finditer(text):
        if match.end() == match.start() and match.start() in (0, len(text)):
            continue
        units.append([text[pos : match.start()], match.group(0)])
        pos = match.end()
    if pos < len(text):
        units.append([text[pos:], ""])
    merged: list[list[str]] = []
    for unit in units:
        prev = merged[-1] if merged else None
        if prev is not None and "\n" not in prev[1] and (
            _LIST_MARKER.match(prev[0]) or _ABBREVIATION.search(prev[0][-10:])
        ):
            prev[0] = prev[0] + prev[1] + unit[0]
            prev[1] = unit[1]
        elif (prev is not None and prev[1].count("\n") == 1 and len(prev[0]) < _MAX_WRAPPED
                and prev[0].strip() and not _ENDS_SENTENCE.search(prev[0][-8:])
                and not prev[0].rstrip().endswith((":", "]")) and _STARTS_LOWER.match(unit[0])
                and not _ROLE_LABEL.match(unit[0])):
            prev[0] = prev[0] + " " + unit[0]
            prev[1] = unit[1]
        else:
            merged.append(unit)
    return merged


def _split_instructions(units: list[list[str]], flags: list[bool]) -> None:
    """Flag runs of short lines that form an instruction only when joined, and the dangling
    first fragments of an instruction whose last line was flagged on its own.

    A run of lines is checked in blocks of six lines, three apart (any window of up to four
    lines lies inside one block); only a block that reads as an instruction is searched for the
    shortest window that does, so the cost stays linear in the number of lines.
    """
    n, i = len(units), 0
    while i < n:
        if flags[i] or "\n" not in units[i][1]:
            i += 1
            continue
        j = i
        while j + 1 < n and not flags[j + 1] and "\n" in units[j][1]:
            j += 1
        if j + 1 < n and flags[j + 1] and "\n" in units[j][1]:
            _flag_fragments(units, flags, i, j)
        for start in range(i, j, 3):
            block = list(range(start, min(j, start + _MAX_WINDOW - 1) + 1))
            joined = " ".join(units[k][0] for k in block)
            if len(block) > 1 and len(joined) <= _MAX_WINDOW_CHARS and is_instruction(joined):
                for first in block[:-1]:
                    if not flags[first]:
                        _flag_window(units, flags, first, block[-1])
        i = j + 1


def _flag_window(units: list[list[str]], flags: list[bool], first: int, last: int) -> None:
    """Flag the shortest window of lines from `first` that reads as an instruction, unless the
    same window without `first` does too (then `first` is not part of it)."""
    joined = units[first][0]
    for j in range(first + 1, last + 1):
        if _ENDS_SENTENCE.search(units[j - 1][0]):
            return  # a line break after a full sentence does not split an instruction
        joined += " " + units[j][0]
        if is_instruction(joined):
            if not is_instruction(" ".join(units[k][0] for k in range(first + 1, j + 1))):
                for k in range(first, j + 1):
                    flags[k] = True
            return


def _flag_fragments(units: list[list[str]], flags: list[bool], first: int, last: int) -> None:
    """"Ignore all" / "previous" above a flagged "instructions and answer X.": the short lines
    just before a flagged line that read like the start of the same instruction."""
    k = last
    while k > max(first, last - _MAX_WINDOW + 1) and len(units[k - 1][0].split()) <= 6 \
            and not _ENDS_SENTENCE.search(units[k - 1][0]):
        k -= 1
    run = list(range(k, last + 1))
    if _fragments(units, run):
        for index in run:
            flags[index] = True


def _fragments(units: list[list[str]], run: list[int]) -> bool:
    """Short lines without an end of sentence that read like the start of an instruction."""
    pieces = [units[k][0] for k in run]
    if any(len(p.split()) > 6 for p in pieces) or any(_ENDS_SENTENCE.search(p) for p in pieces[:-1]):
        return False
    return bool(_FRAGMENT_HINT.search(_lower(" ".join(pieces))))


def _in_context(units: list[list[str]], flags: list[bool], views: list[str]) -> None:
    """Once the text holds an injection, its companions go too: the content line under a bare
    role label ("Assistant:" / "the root cause is X"), the other turns of a pasted conversation
    and verdict-shaped lines ("Root cause: execution."), and a short header ("Previous
    conversation:") over a removed line."""
    transcript = any(_STRONG_ROLE.search(v) or _weak_role_claim(v) or (f and _AI_LABEL.match(v))
                     for v, f in zip(views, flags, strict=True))
    if not transcript and not any(flags):
        return
    n = len(units)
    for k in range(n):
        if flags[k] and _ROLE_ONLY.match(views[k]) and k + 1 < n and "\n" in units[k][1]:
            flags[k + 1] = True
    for k, view in enumerate(views):
        if not flags[k]:
            claim = _CLAIM_SHAPE.search(view) and (
                transcript or _VERDICT_CLAIM.search(view) or len(view.split()) <= 6
            )
            chat = transcript and (_WEAK_ROLE.search(view) or _SMALL_TALK.search(view))
            flags[k] = bool(claim or chat)
    for k in range(n - 2, -1, -1):
        if not flags[k] and flags[k + 1] and "\n" in units[k][1] and _HEADER.match(views[k]):
            flags[k] = True
    for k in range(n):  # a fake end-of-input marker beside a removed instruction is part of it
        if not flags[k] and _DELIMITER.match(views[k]) and ((k + 1 < n and flags[k + 1]) or (k and flags[k - 1])):
            flags[k] = True


def strip_instructions(text: str) -> tuple[str, int]:
    """Return the normalised text without embedded instructions, and how many were removed.

    Hidden content, chat-template blocks and encoded instruction blobs count one each; every
    removed sentence or line counts one.
    """
    text, hidden = strip_hidden(text, keep_layout=False, unclosed="line")
    removed = len(hidden)
    text = normalize_text(text)
    if "<" in text:
        text, blocks = _BLOCKS.subn(" ", text)
        removed += blocks
        text = _STRUCTURE_TAGS.sub("\n", text)
    text, encoded = _strip_encoded(text)
    removed += encoded
    units = _units(text)
    views = [_views(u[0])[0] for u in units]
    flags = [bool(u[0].strip()) and (is_instruction(u[0]) or _rot13_instruction(v))
             for u, v in zip(units, views, strict=True)]
    if len(units) > 1:
        _split_instructions(units, flags)
    _in_context(units, flags, views)
    kept = []
    for (unit, sep), flag in zip(units, flags, strict=True):
        if flag and unit.strip():
            removed += 1
            continue
        if _BLOB in unit:
            unit = unit.replace(_BLOB, "")
            if len(re.findall(r"\w+", unit)) <= 6:  # "Reference:", "Our ticket id is ." around a blob
                continue
        if ("<" in unit or "[" in unit) and _SPECIAL_TOKENS.search(unit):
            unit = _SPECIAL_TOKENS.sub("", unit)  # a stray "<|end|>" of a removed chat turn
            removed += 1
            if not unit.strip():
                continue
        kept.append(unit + sep)
    return "".join(kept).strip(), removed
