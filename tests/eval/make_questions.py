"""Writes questions.jsonl: the project's own evaluation set on the seeds (kept as code for review)."""
import json
from pathlib import Path

D0, D1, D2, D3, D4 = ("000_4937d34f26cd696d.txt", "001_ab0ad9a56183d7b7.txt", "002_252018651c2d012b.txt",
                      "003_4edc3b288bac67c9.txt", "004_4aa242230e059d09.txt")
Q = []


def q(kind, question, facts, doc, evidence, history=None):
    item = {"id": f"{kind[:3]}{len(Q) + 1:02d}", "type": kind, "question": question,
            "facts": facts, "doc": doc, "evidence": evidence}
    if history:
        item["history"] = [{"role": r, "content": c} for r, c in history]
    Q.append(item)


def off(kind, question):
    Q.append({"id": f"off{len(Q) + 1:02d}", "type": "offtopic", "subtype": kind, "question": question,
              "facts": [], "doc": None, "evidence": None})


# -- factual look-ups
q("factual", "Qui est le directeur technologique d'Alibaba Cloud Intelligence ?", [["Jingren Zhou"]], D3, "Jingren Zhou")
q("factual", "Qu'a publié Mozilla la veille du sommet de Bletchley Park ?", [["lettre ouverte"]], D3, "Une lettre ouverte de Mozilla a été publiée la veille")
q("factual", "Sous quelle licence IBM publie-t-il ses modèles Granite 3.0 ?", [["Apache"]], D2, "sous la licence Apache 2.0")
q("factual", "Combien de langages de programmation les modèles Granite 3.0 prennent-ils en charge ?", [["116"]], D2, "116 langages de programmation")
q("factual", "Quelle est la fonction de Kate Soule chez IBM Research ?", [["directrice", "Data and Model Factory"]], D2, "Kate Soule, directrice du programme")
q("factual", "Où est basée la start-up Mistral AI ?", [["Paris"]], D2, "La start-up basée à Paris")
q("factual", "Qui est Dave Bergmann ?", [["rédacteur", "IBM Think"]], D2, "Dave Bergmann, rédacteur principal chez IBM Think")
q("factual", "Quel poste occupe Amit Sangani chez Meta ?", [["directeur principal", "ingénierie des partenaires", "ingenierie"]], D2, "Amit Sangani, directeur principal")
q("factual", "Qui est le directeur de la communauté AI Alliance ?", [["Dave Nielsen"]], D2, "Dave Nielsen, directeur de la communauté AI Alliance")
q("factual", "Sur quels jeux de données publics IBM a-t-il construit ses modèles Granite ?", [["GitHub Code Clean", "StarCoder"]], D2, "GitHub Code Clean et StarCoder")
q("factual", "Quelle affaire judiciaire oppose News Corp à une société d'IA ?", [["Perplexity"]], D2, "News Corp à Perplexity")
q("factual", "Combien de paramètres comportent les modèles Granite 3.0 ?", [["34 milliards", "3 à 34"]], D2, "de 3 à 34 milliards de paramètres")
q("factual", "Quelles tailles de modèles de langage comprend la version Granite 3.0 ?", [["8B"], ["2B"]], D2, "les modèles de langage 8B et 2B")
q("factual", "Sur combien de téraoctets de tokens les modèles Granite ont-ils été entraînés ?", [["3 à 4", "4 téraoctets"]], D2, "3 à 4 téraoctets de tokens")
q("factual", "Quel ministre français a dit que personne ne devrait écarter d'emblée l'open source ?", [["Jean-Noël Barrot", "Barrot"]], D3, "Jean-Noël Barrot")
q("factual", "Où se tiendra le prochain sommet sur la sécurité de l'IA ?", [["Paris"]], D3, "prévu à Paris")
q("factual", "Quels modèles, développés par Google et OpenAI, ont fait décoller l'open source en IA ?", [["BERT"], ["GPT"]], D1, "BERT et GPT")
q("factual", "Quel modèle de génération d'images open source a conquis les créateurs numériques ?", [["Stable Diffusion"]], D1, "Stable Diffusion est un modèle de génération d")
q("factual", "À quel modèle propriétaire sous licence restrictive Stable Diffusion est-il comparé ?", [["DALL-E", "DALL"]], D1, "DALL-E")
q("factual", "Quelles bibliothèques permettent aux chercheurs de ne pas partir de zéro ?", [["TensorFlow"], ["PyTorch"]], D1, "TensorFlow et PyTorch")
q("factual", "Quelles plateformes alimentent la popularité de l'IA open source selon l'article sur les modèles propriétaires ?", [["GitHub"], ["Hugging Face"]], D1, "GitHub et Hugging Face")
q("factual", "Depuis quand le mouvement open source a-t-il gagné en visibilité ?", [["2000"]], D1, "Depuis le début des années 2000")
q("factual", "Quelles entreprises défendent l'IA open source par l'entremise de l'AI Alliance ?", [["Meta"], ["IBM"]], D0, "des entreprises comme Meta et IBM défendent")
q("factual", "Quelles entreprises sont favorables à une approche fermée de l'IA ?", [["Google"], ["Microsoft"], ["OpenAI"]], D0, "Google, Microsoft et OpenAI sont favorables")
q("factual", "Sur quels systèmes d'exploitation les petites équipes peuvent-elles créer des applications grâce aux bibliothèques open source ?", [["Windows"], ["Linux"], ["Android", "iOS"]], D0, "Microsoft Windows, Linux, iOS et Android")
q("factual", "Quels investisseurs s'opposent sur la question de l'open source dans l'IA générative ?", [["Andreessen"], ["Khosla"]], D4, "Marc Andreessen et Vinod Khosla")
q("factual", "Quel modèle de Meta est cité comme exemple de modèle open source dans l'article sur l'IA générative ?", [["Llama 2", "Llama"]], D4, "Meta’s Llama 2")
q("factual", "Quelles entreprises gardent leurs solutions d'IA fermées selon l'article sur l'IA générative ?", [["OpenAI"], ["Anthropic"]], D4, "celles d’OpenAI et d’Anthropic")
q("factual", "Dans quels secteurs les bibliothèques d'IA open source alimentent-elles l'innovation ?", [["santé"], ["finance"], ["éducation"]], D0, "la santé, la finance et l’éducation")
q("factual", "Selon Dave Bergmann, combien de personnes manipulant le code finiraient par repérer une amélioration ?", [["20 000", "20000"]], D2, "20 000 personnes")
# -- paraphrases (few shared words)
q("paraphrase", "Quel dirigeant technique d'Alibaba signe la tribune sur l'open source ?", [["Jingren Zhou"]], D3, "Jingren Zhou")
q("paraphrase", "Selon Meta, que gagne l'IA à être ouverte en matière de sûreté ?", [["transparente", "sûre", "sure"]], D2, "plus elle devient transparente et sûre")
q("paraphrase", "Pourquoi les géants fermés justifient-ils leur choix ?", [["sécurité", "securite", "utilisation abusive"]], D0, "invoquant des inquiétudes concernant la sécurité")
q("paraphrase", "Quels dangers présentent des données d'apprentissage partiales ?", [["discriminatoires"]], D0, "Des données d’entraînement biaisées peuvent produire des résultats discriminatoires")
q("paraphrase", "Quels usages malveillants redoute-t-on pour les modèles ouverts modifiés ?", [["désinformation", "logiciels malveillants"]], D2, "génération de désinformation")
q("paraphrase", "Qu'est-ce qui permet d'affiner un modèle sur des dialectes régionaux ?", [["Hugging Face", "fine-tun", "ensembles de données"]], D1, "dialectes régionaux")
q("paraphrase", "Quelles technologies Alibaba a-t-il financées pour rendre les algorithmes plus transparents ?", [["calcul préservant la vie privée", "IA explicable", "explicable"]], D3, "le calcul préservant la vie privée et l'IA explicable")
q("paraphrase", "Que reproche-t-on habituellement aux modèles propriétaires ?", [["opacité", "accessibilité"]], D1, "souvent critiqués pour leur opacité")
q("paraphrase", "Quel est le principal frein des technologies fermées pour les jeunes pousses ?", [["coût", "barrière"]], D1, "Les coûts d’accès à des technologies propriétaires peuvent constituer une barrière")
q("paraphrase", "Selon Mozilla, à qui l'ouverture pourrait-elle faciliter l'arrivée sur le marché ?", [["nouveaux acteurs", "barrières à l'entrée", "barrieres a l'entree"]], D3, "réduire les barrières à l'entrée pour les nouveaux acteurs")
# -- spanning two documents
q("multi", "Quels modèles de Meta sont cités dans les documents, et sous quelle forme sont-ils diffusés ?", [["Llama"], ["open source"]], [D2, D4], "Llama")
q("multi", "Quel rôle jouent GitHub et Hugging Face selon les documents ?", [["GitHub"], ["Hugging Face"]], [D1, D2], "Hugging Face")
q("multi", "Quelles entreprises soutiennent l'IA open source et lesquelles préfèrent une approche fermée ?", [["Meta", "IBM"], ["Google", "OpenAI", "Microsoft"]], [D0, D4], "Google, Microsoft et OpenAI")
q("multi", "Quels risques de sécurité l'IA open source présente-t-elle selon les documents ?", [["malveillant", "nuisible"]], [D0, D2, D4], "malveillants")
# -- follow-ups
q("followup", "Et que préconise-t-elle ?", [["science ouverte", "open source"]], D3, "Mozilla préconise d’investir",
  history=[("user", "Qui a publié une lettre ouverte la veille du sommet de Bletchley Park ?"), ("assistant", "C'est Mozilla qui a publié une lettre ouverte la veille du sommet [1].")])
q("followup", "Et sur quelles plateformes sont-ils disponibles ?", [["Hugging Face", "GitHub", "watsonx"]], D2, "IBM watsonx.ai",
  history=[("user", "Combien de langages de programmation les modèles Granite 3.0 prennent-ils en charge ?"), ("assistant", "Les modèles Granite 3.0 prennent en charge 116 langages de programmation [1].")])
q("followup", "Où est-elle basée ?", [["Paris"]], D2, "La start-up basée à Paris",
  history=[("user", "Quelle start-up européenne s'est imposée comme leader de l'IA open source ?"), ("assistant", "Mistral AI s'est imposée comme un leader du secteur en Europe [1].")])
q("followup", "Et quel est son poste exact ?", [["rédacteur", "IBM Think"]], D2, "Dave Bergmann, rédacteur principal",
  history=[("user", "Qui parle de 20 000 personnes manipulant le code d'un modèle ?"), ("assistant", "C'est Dave Bergmann qui l'explique [1].")])
q("followup", "Et quels acteurs la défendent ?", [["Meta"], ["IBM"]], D0, "Meta et IBM défendent",
  history=[("user", "Les géants de la tech sont-ils d'accord sur l'IA open source ?"), ("assistant", "Non, leurs opinions sont partagées [1].")])
# -- questions in English
q("english", "Who is the chief technology officer of Alibaba Cloud Intelligence?", [["Jingren Zhou"]], D3, "Jingren Zhou")
q("english", "Under which licence does IBM release its Granite 3.0 models?", [["Apache"]], D2, "sous la licence Apache 2.0")
q("english", "Where is the start-up Mistral AI based?", [["Paris"]], D2, "La start-up basée à Paris")
q("english", "What did Mozilla publish the day before the Bletchley Park summit?", [["lettre ouverte", "lettre"]], D3, "Une lettre ouverte de Mozilla")
q("english", "Which image generation model has won over digital creators?", [["Stable Diffusion"]], D1, "Stable Diffusion est un modèle")
# -- off-topic: general knowledge, near-misses about the same companies, made-up entities
off("general", "Quelle est la capitale de l'Australie ?")
off("general", "Quelle est la recette de la tarte Tatin ?")
off("general", "Qui a gagné la Coupe du monde de football en 2018 ?")
off("general", "Combien de temps faut-il pour cuire un œuf dur ?")
off("general", "What is the boiling point of water at sea level?")
off("near-miss", "Combien d'employés compte Mistral AI ?")
off("near-miss", "Quel est le chiffre d'affaires annuel d'IBM ?")
off("near-miss", "En quelle année Alibaba a-t-il été fondé ?")
off("near-miss", "Combien Meta a-t-il investi dans l'entraînement de Llama 2 ?")
off("near-miss", "Quel est le prix de l'abonnement à ChatGPT ?")
off("near-miss", "Qui est le PDG de Hugging Face ?")
off("made-up", "Qui dirige la société Quantix Neural Labs ?")
off("made-up", "Sous quelle licence le modèle Zephyrion-9 est-il publié ?")
off("made-up", "Que dit le rapport Delacroix de 2023 sur l'IA open source ?")

Path(__file__).with_name("questions.jsonl").write_text(
    "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in Q), encoding="utf-8")
print(len(Q), "questions")
