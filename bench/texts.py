"""Phrase banks for the benchmark's data generator (bench/generate.py): support mail as a
software vendor's customers and agents write it, in Russian and in English.

A message is composed from whole sentences (an opening, the problem, one or two details, a
request, a sign-off), each drawn from a bank of its topic, with the ticket's own product,
version, error code, operating system and file name filled in: the same values all through one
thread. The topics follow the regulation's scope categories (section 1.4): licences,
installation, updates, errors, activation, exports, how-to questions, the documentation, the
personal account, improvements, and the three kinds of request support does not cover.

Every sentence is grammatical on its own and the product names are used where Russian needs no
case ending ("в программе Fenix+ 3", "версия 3.4.2").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    """One topic's sentences in one language. ``cases`` are (subject, problem, first answer):
    one request as a customer tells it and the agent's first answer to it (None: the request is
    out of scope and gets the prepared reply instead). ``details`` fit any case of the topic."""

    cases: tuple[tuple[str, str, str | None], ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    key: str
    scope: str  # the regulation's scope category (regulation.toml [[scope]])
    weight: int  # how often customers write about it
    ru: Bank
    en: Bank


TOPICS = (
    Topic(
        "licence", "installation", 12,
        ru=Bank(
            cases=(
                ("Не активируется лицензия {product} после переустановки Windows",
                 "После переустановки Windows программа {product} перестала видеть лицензию.",
                 "Проверили лицензию {licence}: она действует, но привязана к прежней конфигурации компьютера. Мы сбросили привязку, активируйте лицензию ещё раз."),
                ("Перенос лицензии {product} на другой компьютер",
                 "Купили новый компьютер и хотим перенести на него лицензию {product}.",
                 "Чтобы перенести лицензию, деактивируйте её на старом компьютере (меню «Справка» → «Лицензия» → «Деактивировать»), а затем активируйте на новом тем же номером."),
                ("Лицензия {product} отображается как недействительная",
                 "При запуске {product} {version} появляется сообщение «Лицензия недействительна», хотя срок её действия ещё не истёк.",
                 "Переустановите, пожалуйста, драйвер ключа защиты из папки Drivers дистрибутива и перезагрузите компьютер: сообщение появляется, когда программа не может прочитать ключ."),
                ("Сколько рабочих мест покрывает лицензия {product}?",
                 "Не можем понять, сколько пользователей могут одновременно работать с одной лицензией.",
                 "Одна лицензия рассчитана на одно рабочее место. Для одновременной работы нескольких пользователей нужна сетевая лицензия, её можно заказать в личном кабинете."),
                ("{product}: не найден ключ защиты",
                 "В личном кабинете лицензия отображается, а программа пишет, что ключ защиты не найден.",
                 "Проверьте, пожалуйста, что служба «Fenix License Service» запущена (Панель управления → Администрирование → Службы), и перезапустите её."),
            ),
            details=(
                "Номер лицензии: {licence}.",
                "Ключ защиты подключён, светодиод на нём горит.",
                "Сервер лицензий установлен на отдельной машине в нашей сети.",
                "Лицензию приобретали в прошлом году через официального дилера.",
                "Срок действия лицензии, по данным личного кабинета, до конца следующего года.",
            ),
        ),
        en=Bank(
            cases=(
                ("{product} licence lost after reinstalling Windows",
                 "After reinstalling Windows, {product} no longer finds its licence.",
                 "We checked licence {licence}: it is valid but bound to the old configuration. We have reset the binding, please activate it again."),
                ("Moving the {product} licence to another computer",
                 "We bought a new computer and would like to move our {product} licence to it.",
                 "To move the licence, deactivate it on the old computer (Help → Licence → Deactivate) and activate it on the new one with the same number."),
                ("How many seats does the {product} licence cover?",
                 "We cannot tell how many users may work with one licence at the same time.",
                 "One licence covers one workstation. For several users at once you need a network licence; you can order it in your account."),
            ),
            details=(
                "The licence number is {licence}.",
                "The protection key is plugged in and its light is on.",
                "We bought the licence last year from an authorised dealer.",
            ),
        ),
    ),
    Topic(
        "installation", "installation", 14,
        ru=Bank(
            cases=(
                ("Не устанавливается {product}: ошибка {code}",
                 "При установке {product} {version} на {os} появляется ошибка {code}, и установка прерывается.",
                 "Ошибка {code} обычно означает, что установщику не хватает прав. Запустите установку от имени администратора и временно отключите антивирус."),
                ("{product} не запускается после установки",
                 "Установщик {product} доходит до конца, но программа после этого не запускается.",
                 "Для работы {product} {version} нужна библиотека Microsoft Visual C++ 2019. Установите её с сайта Microsoft и запустите программу снова."),
                ("Установка {product} зависает на 80 %",
                 "Мастер установки зависает на этапе копирования файлов и дальше не идёт.",
                 "Пришлите, пожалуйста, журнал установки: он лежит в папке %TEMP% и называется setup.log. По нему будет видно, на каком файле всё остановилось."),
                ("Установка {product} на Windows Server",
                 "Устанавливаем {product} на сервер под управлением Windows Server, и установщик сообщает, что система не поддерживается.",
                 "Программа поддерживает Windows Server 2016 и новее. На более ранних версиях установка не предусмотрена; обновите, пожалуйста, систему."),
            ),
            details=(
                "Операционная система: {os}, {ram} ГБ оперативной памяти.",
                "Устанавливали от имени администратора, антивирус на время установки отключали.",
                "Дистрибутив скачан из личного кабинета сегодня.",
                "На соседнем компьютере с той же системой всё установилось без ошибок.",
                "Скриншот ошибки прикладываю.",
            ),
        ),
        en=Bank(
            cases=(
                ("{product} does not install: error {code}",
                 "Installing {product} {version} on {os} fails with error {code}.",
                 "Error {code} usually means the installer lacks permissions. Please run it as administrator with the antivirus switched off."),
                ("{product} does not start after installation",
                 "The {product} installer finishes, but the program does not start afterwards.",
                 "{product} {version} needs the Microsoft Visual C++ 2019 runtime. Please install it from Microsoft's site and start the program again."),
                ("{product} setup hangs at 80%",
                 "The setup wizard hangs while copying files.",
                 "Please send us the setup log: it is in the %TEMP% folder and is called setup.log."),
            ),
            details=(
                "Operating system: {os}, {ram} GB of memory.",
                "We ran the installer as administrator with the antivirus switched off.",
                "The installer was downloaded from our account today.",
            ),
        ),
    ),
    Topic(
        "update", "installation", 10,
        ru=Bank(
            cases=(
                ("После обновления {product} не открываются проекты",
                 "После обновления {product} до версии {version} старые проекты не открываются: программа пишет, что формат файла не поддерживается.",
                 "Проекты предыдущих версий открываются через меню «Файл» → «Импорт». После импорта сохраните проект в новом формате."),
                ("Где скачать последнее обновление {product}?",
                 "Не можем найти, где в личном кабинете скачать последнюю версию {product}.",
                 "Последняя версия доступна в личном кабинете в разделе «Загрузки». Обновление бесплатно при действующей лицензии."),
                ("После обновления пропали настройки {product}",
                 "Обновили программу, и пропали все пользовательские настройки и шаблоны.",
                 "Настройки хранятся в профиле пользователя; их можно восстановить из резервной копии, которую программа создаёт перед обновлением (меню «Сервис» → «Восстановить настройки»)."),
                ("Ошибка {code} при обновлении {product}",
                 "Программа при запуске предлагает обновиться, но обновление завершается ошибкой {code}.",
                 "Скачайте, пожалуйста, полный дистрибутив версии {version} из личного кабинета и установите его поверх текущей версии: проекты и настройки сохранятся."),
            ),
            details=(
                "До обновления была установлена версия {old_version}.",
                "Проекты создавались в предыдущей версии и открывались без проблем.",
                "Обновление запускали на всех трёх рабочих местах, везде одно и то же.",
                "Файл проекта «{file}» прикладываю.",
            ),
        ),
        en=Bank(
            cases=(
                ("Projects do not open after the {product} update",
                 "After updating {product} to {version}, our old projects do not open: the file format is not supported, it says.",
                 "Projects of earlier versions open through File → Import. After the import, save the project in the new format."),
                ("Where can I download the latest {product} update?",
                 "We cannot find the latest version of {product} in our account.",
                 "The latest version is in your account under Downloads. Updates are free with a valid licence."),
                ("The {product} update fails with error {code}",
                 "The program offers an update at start, but the update fails with error {code}.",
                 "Please download the full installer of version {version} from your account and install it over the current version: projects and settings are kept."),
            ),
            details=(
                "Before the update we had version {old_version}.",
                "The projects were made in the previous version and opened fine.",
            ),
        ),
    ),
    Topic(
        "error", "defect", 22,
        ru=Bank(
            cases=(
                ("{product} закрывается при открытии проекта",
                 "При открытии проекта программа {product} закрывается без сообщения об ошибке.",
                 "Пришлите, пожалуйста, файл проекта и журнал программы (меню «Справка» → «Сохранить журнал»), чтобы мы воспроизвели ошибку."),
                ("Ошибка «{code}» при расчёте",
                 "Во время расчёта появляется сообщение «{code}», после чего расчёт останавливается.",
                 "Это известная ошибка версии {version}; она исправлена в обновлении, которое уже доступно в личном кабинете."),
                ("{product} зависает при сохранении проекта",
                 "При сохранении проекта программа зависает и перестаёт отвечать.",
                 "Похоже, программе не хватает прав на запись в папку проекта. Сохраните проект в папку «Документы» и напишите, повторится ли зависание."),
                ("Неверный расчёт времени эвакуации в {product}",
                 "Результаты расчёта времени эвакуации почти в два раза отличаются от ручного расчёта.",
                 "Ошибка воспроизводится и у нас, мы передали её разработчикам. Обходной путь: разбейте этаж на два помещения и пересчитайте."),
                ("Нехватка памяти при расчёте большого здания",
                 "На большом здании (двенадцать этажей) расчёт прерывается с ошибкой нехватки памяти.",
                 "Для расчёта больших зданий включите в настройках режим экономии памяти и закройте другие программы на время расчёта."),
                ("Не сохраняются изменения в поэтажном плане",
                 "Изменения в поэтажном плане не сохраняются: после повторного открытия проект выглядит как раньше.",
                 "Проверьте, пожалуйста, не открыт ли файл проекта только для чтения (свойства файла в проводнике). Если нет — пришлите проект, посмотрим."),
            ),
            details=(
                "Ошибка воспроизводится стабильно, на любом проекте.",
                "Файл проекта «{file}» прикладываю.",
                "Журнал программы и скриншот ошибки во вложении.",
                "На другом компьютере с тем же проектом ошибка повторяется.",
                "Версия программы {version}, система {os}.",
                "Проблема появилась после вчерашнего обновления, до этого всё работало.",
            ),
        ),
        en=Bank(
            cases=(
                ("{product} crashes when opening a project",
                 "{product} closes without any message when we open a project.",
                 "Please send us the project file and the program log (Help → Save log) so that we can reproduce the error."),
                ("Error \"{code}\" during the calculation",
                 "During the calculation the message \"{code}\" appears and the calculation stops.",
                 "This is a known error of version {version}; the update that fixes it is already in your account."),
                ("Wrong evacuation time in {product}",
                 "The evacuation time differs from our manual calculation almost by half.",
                 "We can reproduce the error and have passed it to the developers. As a workaround, split the floor into two rooms and run the calculation again."),
            ),
            details=(
                "It happens every time, with any project.",
                "I attach the project file {file}.",
                "The program log and a screenshot are attached.",
                "Version {version} on {os}.",
            ),
        ),
    ),
    Topic(
        "activation", "installation", 8,
        ru=Bank(
            cases=(
                ("Ошибка активации {product}: сервер недоступен",
                 "При активации {product} программа сообщает, что сервер активации недоступен.",
                 "Проверьте, пожалуйста, что в настройках прокси указан и адрес, и порт. Если ошибка повторится, пришлите снимок экрана."),
                ("Не принимается код активации {product}",
                 "Код активации, который пришёл на почту, программа не принимает.",
                 "Мы выслали новый код активации на адрес, указанный в заявке. Скопируйте его целиком, без пробелов в начале и в конце."),
                ("Активация {product} без доступа к интернету",
                 "Компьютер, на котором установлена программа, не подключён к интернету. Как выполнить активацию?",
                 "Для активации без интернета воспользуйтесь файлом запроса: программа создаст его на вкладке «Активация». Отправьте его нам, и мы пришлём файл ответа."),
            ),
            details=(
                "Прокси-сервер в сети есть, его адрес указан в настройках программы.",
                "Пробовали активировать несколько раз в течение дня.",
                "Номер лицензии: {licence}.",
            ),
        ),
        en=Bank(
            cases=(
                ("{product} activation: server unreachable",
                 "Activating {product} fails: the activation server cannot be reached, it says.",
                 "Please check that the proxy settings have both the address and the port. If the error comes back, send us a screenshot."),
                ("Activating {product} offline",
                 "The computer with the program has no Internet access. How do we activate it?",
                 "To activate offline, use a request file: the program makes one on the Activation tab. Send it to us and we will send back a response file."),
            ),
            details=(
                "There is a proxy in our network, and its address is in the program's settings.",
                "The licence number is {licence}.",
            ),
        ),
    ),
    Topic(
        "export", "how_it_works", 7,
        ru=Bank(
            cases=(
                ("Не экспортируется отчёт в PDF",
                 "При экспорте отчёта в PDF программа {product} выдаёт ошибку и создаёт пустой файл.",
                 "Ошибка экспорта в PDF исправлена в версии {version}. Пока можно печатать отчёт на виртуальный принтер PDF."),
                ("Экспорт плана эвакуации в DWG",
                 "Нужно выгрузить план эвакуации в формат DWG для передачи проектировщикам.",
                 "Экспорт в DWG доступен в меню «Файл» → «Экспорт» → «План этажа»."),
                ("Как выгрузить результаты расчёта в Excel?",
                 "Не нашли, как выгрузить таблицу результатов расчёта в Excel.",
                 "Таблицу результатов можно выгрузить в Excel кнопкой «Копировать» на панели результатов и вставить в книгу."),
            ),
            details=(
                "Отчёт большой, около двухсот страниц.",
                "Путь сохранения без русских букв и пробелов, место на диске есть.",
                "Версия программы {version}.",
            ),
        ),
        en=Bank(
            cases=(
                ("The report does not export to PDF",
                 "Exporting the report to PDF fails in {product} and leaves an empty file.",
                 "The PDF export error is fixed in version {version}. Until you update, print the report to a PDF printer."),
                ("Exporting the evacuation plan to DWG",
                 "We need the evacuation plan in DWG for the designers.",
                 "DWG export is under File → Export → Floor plan."),
            ),
            details=(
                "The report is large, about two hundred pages.",
                "Version {version}.",
            ),
        ),
    ),
    Topic(
        "howto", "how_it_works", 12,
        ru=Bank(
            cases=(
                ("Как задать людской поток для лестничной клетки?",
                 "Подскажите, как в программе {product} задать людской поток для лестничной клетки с двумя выходами.",
                 "Людской поток для лестничной клетки задаётся в свойствах помещения на вкладке «Эвакуация»: для каждого выхода укажите долю людей."),
                ("Как учесть дымоудаление в сценарии пожара?",
                 "Не понимаем, как учесть работу системы дымоудаления в сценарии пожара.",
                 "Работа дымоудаления учитывается в сценарии: включите систему на вкладке «Противопожарные системы» и задайте время срабатывания."),
                ("Несколько сценариев эвакуации в одном проекте",
                 "Нужно рассчитать несколько сценариев эвакуации для одного здания. Как это сделать, не создавая копии проекта?",
                 "Сценарии добавляются кнопкой «Новый сценарий» на панели сценариев; каждый считается отдельно, а результаты сравниваются в отчёте."),
                ("Можно ли импортировать планировку из DWG?",
                 "Можно ли импортировать поэтажную планировку из DWG, чтобы не рисовать её заново?",
                 "Планировку можно импортировать через меню «Файл» → «Импорт» → «DWG/DXF»; слои со стенами выберите в мастере импорта."),
                ("Как распечатать план эвакуации в масштабе 1:100?",
                 "При печати плана эвакуации масштаб всё время сбивается. Как напечатать план в масштабе 1:100?",
                 "В окне печати снимите флажок «Вписать в страницу» и укажите масштаб 1:100; порядок действий описан в руководстве пользователя, раздел 4.2."),
            ),
            details=(
                "Работаем в версии {version}.",
                "Здание пятиэтажное, с подвалом и двумя лестничными клетками.",
                "В руководстве ответа не нашли.",
            ),
        ),
        en=Bank(
            cases=(
                ("How do I set the flow of people on a staircase?",
                 "How do we set the flow of people for a staircase with two exits in {product}?",
                 "The flow for a staircase is set in the room's properties, on the Evacuation tab: give each exit its share of people."),
                ("Smoke extraction in a fire scenario",
                 "We do not understand how to take smoke extraction into account in a fire scenario.",
                 "Smoke extraction is part of the scenario: switch the system on under Fire protection systems and set its start time."),
                ("Can we import a floor plan from DWG?",
                 "Can we import a floor plan from DWG instead of drawing it again?",
                 "Floor plans import through File → Import → DWG/DXF; pick the wall layers in the import wizard."),
            ),
            details=(
                "We use version {version}.",
                "We could not find it in the manual.",
            ),
        ),
    ),
    Topic(
        "documentation", "documentation", 4,
        ru=Bank(
            cases=(
                ("Где найти описание параметров модели?",
                 "В руководстве пользователя не нашли описания параметра «коэффициент задержки».",
                 "Описание параметра есть в разделе 5.3 руководства пользователя; прикладываем ссылку на актуальную версию руководства."),
                ("Вопрос по руководству пользователя {product}",
                 "Раздел документации о пожарной нагрузке мы понимаем по-разному. Поясните, пожалуйста, что имеется в виду.",
                 "В разделе речь идёт о пожарной нагрузке помещения целиком, а не отдельного очага; пример расчёта приведён в приложении Б руководства."),
                ("Не открывается руководство пользователя на сайте",
                 "Ссылка на руководство пользователя на сайте не открывается.",
                 "Спасибо, что обратили внимание: ссылку на сайте исправили."),
            ),
            details=(
                "Смотрели руководство к версии {version}.",
                "Речь о разделе 5 руководства.",
            ),
        ),
        en=Bank(
            cases=(
                ("A question about the {product} manual",
                 "We could not find the delay coefficient described in the user manual.",
                 "The parameter is described in section 5.3 of the user manual; here is a link to its current version."),
                ("The user manual link is broken",
                 "The link to the user manual on the website does not open.",
                 "Thank you for telling us: the link on the website is fixed."),
            ),
            details=("We read the manual of version {version}.",),
        ),
    ),
    Topic(
        "account", "account_access", 5,
        ru=Bank(
            cases=(
                ("Не могу войти в личный кабинет",
                 "Не получается войти в личный кабинет: пишет, что пароль неверный, хотя он точно правильный.",
                 "Мы сбросили пароль, новая ссылка для входа отправлена на вашу почту."),
                ("Не приходит письмо для восстановления пароля",
                 "Запросили восстановление пароля, но письмо так и не пришло, в папке «Спам» его тоже нет.",
                 "Письмо отправлено повторно. Если его снова не будет, добавьте адрес support@fenix.example в список доверенных отправителей."),
                ("Нет доступа к загрузкам в личном кабинете",
                 "В личном кабинете не отображается раздел «Загрузки», хотя лицензия действует.",
                 "Доступ к разделу «Загрузки» открыт. Выйдите из личного кабинета и войдите снова."),
            ),
            details=(
                "Логин — адрес почты, с которого пишу.",
                "Пробовали в двух разных браузерах.",
            ),
        ),
        en=Bank(
            cases=(
                ("Cannot log in to my account",
                 "I cannot log in to my account: the password is wrong, it says, but it is right.",
                 "We have reset the password; a new sign-in link is on its way to your mailbox."),
                ("No access to Downloads in my account",
                 "The Downloads section does not show in my account, although the licence is valid.",
                 "The Downloads section is open to you now. Please sign out and in again."),
            ),
            details=("My login is the address I am writing from.",),
        ),
    ),
    Topic(
        "improvement", "improvement", 3,
        ru=Bank(
            cases=(
                ("Предложение: пакетный расчёт сценариев",
                 "Было бы удобно запускать расчёт нескольких сценариев одной командой.",
                 "Спасибо за предложение! Мы передали его команде разработки, пакетный расчёт рассматривается для одной из следующих версий."),
                ("Просим добавить экспорт в IFC",
                 "Просим добавить в программу {product} экспорт модели в формат IFC.",
                 "Спасибо! Экспорт в IFC уже в планах разработки; мы сообщим, когда он появится."),
                ("Пожелание по интерфейсу {product}",
                 "Предлагаем добавить возможность менять масштаб плана колёсиком мыши.",
                 "Спасибо за предложение! Передали его разработчикам интерфейса."),
            ),
            details=(
                "Сейчас приходится делать это вручную.",
                "Этого часто требуют заказчики.",
            ),
        ),
        en=Bank(
            cases=(
                ("Suggestion: batch runs of scenarios",
                 "It would help to run several scenarios with one command.",
                 "Thank you for the suggestion! We have passed it to the developers for one of the next versions."),
                ("Please add IFC export",
                 "Please add export of the model to IFC to {product}.",
                 "Thank you! IFC export is planned; we will let you know when it comes."),
            ),
            details=("Our clients ask for it often.",),
        ),
    ),
    Topic(
        "project_fixes", "project_fixes", 2,
        ru=Bank(
            cases=(
                ("Исправьте, пожалуйста, наш проект — не сходится расчёт",
                 "Посмотрите, пожалуйста, наш проект и исправьте расстановку выходов: экспертиза не принимает расчёт.", None),
                ("Проверьте наш проект",
                 "Проверьте, пожалуйста, правильно ли мы заполнили сценарии в проекте, и поправьте, если нужно.", None),
            ),
            details=("Файл проекта «{file}» во вложении.",),
        ),
        en=Bank(
            cases=(("Please fix our project",
                    "Please look at our project and fix the exits: the review does not accept the calculation.", None),),
            details=("The project file {file} is attached.",),
        ),
    ),
    Topic(
        "expert_review", "expert_review", 1,
        ru=Bank(
            cases=(("Как устранить замечания экспертизы по расчёту пожарного риска?",
                    "Получили замечания экспертизы по расчёту пожарного риска. Подскажите, как их устранить.", None),),
            details=("Замечания прикладываю.",),
        ),
        en=Bank(
            cases=(("Remarks of the expert review",
                    "The expert review sent remarks on our fire risk calculation. How do we answer them?", None),),
            details=("The remarks are attached.",),
        ),
    ),
    Topic(
        "regulations", "regulations", 1,
        ru=Bank(
            cases=(("Разъясните требования СП 1.13130 к ширине эвакуационных выходов",
                    "Поясните, пожалуйста, как по СП 1.13130 определяется ширина эвакуационного выхода из помещения.", None),),
            details=("В проекте офисное здание на триста человек.",),
        ),
        en=Bank(
            cases=(("Please explain the code's exit width rules",
                    "Please explain how the code of practice sets the width of an emergency exit.", None),),
            details=("The building is an office for three hundred people.",),
        ),
    ),
)

RU = {
    "openings": ("Здравствуйте!", "Добрый день!", "Добрый день.", "Здравствуйте, коллеги!", "Доброе утро!",
                 "Уважаемая техподдержка, добрый день!", "Приветствую!"),
    "requests": ("Подскажите, пожалуйста, что можно сделать.", "Помогите, пожалуйста, решить проблему.",
                 "Просим помочь как можно скорее: сроки сдачи проекта горят.", "Заранее спасибо за ответ.",
                 "Будем благодарны за помощь.", "Что посоветуете?"),
    "signoffs": ("С уважением,", "Спасибо!", "Заранее благодарю,", "С уважением и надеждой на помощь,", "Всего доброго,"),
    "greeting": "Здравствуйте, {name}!",
    "agent_signoff": "С уважением,\n{agent}\nСлужба технической поддержки",
    "agent_short_signoff": "{agent}, техподдержка",
    "follow_ups": (
        "Добрый день! Прикладываю проект и журнал, как вы просили.",
        "Спасибо, попробовали — ошибка осталась. Скриншот во вложении.",
        "Здравствуйте! Уточните, пожалуйста, сроки исправления.",
        "Запустили от имени администратора — установилось. Спасибо!",
        "Версия программы {version}, система {os}.",
        "Сделали, как вы написали, но проблема повторяется на другом этаже.",
        "Подскажите, пожалуйста, есть ли новости по нашему вопросу?",
        "Нашли обходной путь, но хотелось бы всё-таки исправить ошибку.",
        "Добрый день. Проверили на втором компьютере — там та же ошибка.",
        "Отправляю журнал установки, файл setup.log во вложении.",
        "Обновились до версии {version}, проект открылся, но расчёт по-прежнему прерывается.",
        "Извините за задержку с ответом: были в командировке. Проблема ещё актуальна.",
    ),
    "agent_follow_ups": (
        "Спасибо, файл получили. Проверяем, ответим в течение дня.",
        "Уточните, пожалуйста, версию программы и операционной системы.",
        "Проверили ваш проект: в настройках сценария не задано время начала эвакуации. Укажите его, и расчёт пройдёт.",
        "Выпустили исправление, установите, пожалуйста, версию {version} из личного кабинета.",
        "Передали вопрос разработчикам; как только будет ответ, напишем.",
        "Подскажите, пожалуйста, удалось ли решить проблему?",
        "Попробуйте, пожалуйста, удалить папку настроек программы и запустить её снова.",
        "Воспроизвели ошибку на вашем проекте. Исправление войдёт в ближайшее обновление, а пока пересчитайте этаж по частям.",
        "Пришлите, пожалуйста, снимок экрана с текстом ошибки целиком.",
        "Проверили журнал: программе не хватает прав на запись в папку проекта. Сохраните проект в папку «Документы».",
    ),
    "thanks": ("Всё заработало, спасибо большое!", "Спасибо, вопрос решён.", "Благодарю за быструю помощь!",
               "Спасибо, можно закрывать.", "Получилось, спасибо за подробный ответ!"),
    "closing": "Рады, что всё получилось! Закрываем обращение; если вопрос появится снова, просто ответьте на это письмо.",
    "closing_chat": "Рады, что всё получилось! Если вопрос появится снова, просто напишите сюда.",
    "notes": (
        "Воспроизвёл на тестовом стенде, заведена задача FP-{n} в трекере.",
        "Клиент звонил, просил ускорить: сдача проекта в пятницу.",
        "Похоже на проблему с драйвером ключа защиты, см. похожее обращение на прошлой неделе.",
        "Лицензия проверена в CRM: действует до конца года.",
        "Передал разработчикам, ждём исправления в следующей сборке.",
        "Крупный клиент, отвечать в приоритете.",
        "Договорились созвониться завтра в 11:00 и посмотреть проблему через удалённый доступ.",
        "Ошибка уже исправлена в ветке {version}, ждём выпуска.",
    ),
}

EN = {
    "openings": ("Hello,", "Hi,", "Good morning,", "Dear support team,", "Good afternoon,"),
    "requests": ("Could you help us, please?", "What should we do?", "Please advise.",
                 "We need this fixed soon: the project is due this week.", "Thanks in advance."),
    "signoffs": ("Best regards,", "Kind regards,", "Thank you,", "Regards,"),
    "greeting": "Hello {name},",
    "agent_signoff": "Kind regards,\n{agent}\nTechnical support",
    "agent_short_signoff": "{agent}, support",
    "follow_ups": (
        "Hello, I attach the project and the log as you asked.",
        "Thank you, we tried it, but the error is still there. Screenshot attached.",
        "Could you tell us when the fix will be released?",
        "Running it as administrator worked. Thanks!",
        "Version {version} on {os}.",
        "We did as you wrote, but the problem appears on another floor now.",
        "Is there any news on our question?",
    ),
    "agent_follow_ups": (
        "Thank you, we have the file and will answer within a day.",
        "Which version of the program and of the operating system do you use?",
        "We released a fix: please install version {version} from your account.",
        "We passed the question to the developers and will write as soon as we hear back.",
        "Could you tell us whether the problem is solved?",
    ),
    "thanks": ("It works now, thank you very much!", "Thanks, solved.", "Thank you for the quick help!"),
    "closing": "Glad it works! We are closing the request; if the question comes back, just reply to this mail.",
    "closing_chat": "Glad it works! If the question comes back, just write here.",
}

# People. Russian first names with their patronymic-forming stems; the surname pairs are
# (masculine, feminine).
RU_MALE = ("Алексей", "Дмитрий", "Сергей", "Андрей", "Игорь", "Павел", "Михаил", "Владимир", "Николай",
           "Константин", "Евгений", "Олег", "Роман", "Артём", "Виктор", "Юрий", "Максим", "Илья")
RU_FEMALE = ("Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Светлана", "Анна", "Ирина", "Юлия",
             "Екатерина", "Марина", "Людмила", "Дарья", "Ксения", "Галина", "Вера")
RU_PATRONYMICS = (("Александрович", "Александровна"), ("Викторович", "Викторовна"), ("Сергеевич", "Сергеевна"),
                  ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"), ("Игоревич", "Игоревна"),
                  ("Петрович", "Петровна"), ("Андреевич", "Андреевна"), ("Михайлович", "Михайловна"),
                  ("Олегович", "Олеговна"), ("Юрьевич", "Юрьевна"), ("Дмитриевич", "Дмитриевна"))
RU_SURNAMES = (
    ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Волков", "Волкова"),
    ("Соколов", "Соколова"), ("Лебедев", "Лебедева"), ("Козлов", "Козлова"), ("Новиков", "Новикова"),
    ("Морозов", "Морозова"), ("Орлов", "Орлова"), ("Зайцев", "Зайцева"), ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"), ("Голубев", "Голубева"), ("Виноградов", "Виноградова"), ("Богданов", "Богданова"),
    ("Воробьёв", "Воробьёва"), ("Фёдоров", "Фёдорова"), ("Михайлов", "Михайлова"), ("Беляев", "Беляева"),
    ("Тарасов", "Тарасова"), ("Белов", "Белова"), ("Комаров", "Комарова"), ("Киселёв", "Киселёва"),
    ("Макаров", "Макарова"), ("Андреев", "Андреева"), ("Ковалёв", "Ковалёва"), ("Ильин", "Ильина"),
    ("Гусев", "Гусева"), ("Титов", "Титова"), ("Кудрявцев", "Кудрявцева"), ("Баранов", "Баранова"),
    ("Куликов", "Куликова"), ("Алексеев", "Алексеева"), ("Степанов", "Степанова"), ("Яковлев", "Яковлева"),
)
EN_FIRST = ("John", "Emma", "David", "Olivia", "Michael", "Sarah", "James", "Laura", "Daniel", "Anna",
            "Aidar", "Dana", "Timur", "Aliya", "Rustam", "Madina", "Peter", "Julia")
EN_LAST = ("Smith", "Brown", "Wilson", "Taylor", "Clarke", "Walker", "Wright", "Hughes", "Green", "Baker",
           "Nurlanov", "Abenov", "Karimov", "Saidova", "Iskakova", "Novak", "Horvat", "Meyer")

# Organisations: a legal form, a name made of two parts, sometimes a region.
RU_FORMS = ("ООО", "ООО", "ООО", "АО", "ЗАО", "ГБУ", "ФГБУ", "МУП", "ПАО")
RU_NAME_HEADS = ("Пож", "Строй", "Инж", "Тепло", "Гео", "Спец", "Пром", "Энерго", "Газ", "Тех", "Арх", "Гор",
                 "Нефте", "Сиб", "Урал", "Волга", "Нева", "Безопас", "Вент", "Электро")
RU_NAME_TAILS = ("Проект", "Безопасность", "Системы", "Монтаж", "Сервис", "Эксперт", "Консалт", "Строй",
                 "Защита", "Технологии", "Аудит", "Групп", "Центр", "Контроль", "Инжиниринг")
RU_REGIONS = ("", "", "", "", " Север", " Юг", " Урал", " Сибирь", " Поволжье", "-М", "-СПб", "-Казань")
TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", " ": "-",
})
EN_ORGS = ("Engineering", "Fire Safety", "Design", "Consulting", "Building Services", "Projects")
EN_FORMS = ("Ltd", "LLC", "LLP", "GmbH", "Inc.")
EN_TLDS = ("com", "co.uk", "kz", "uz", "de", "eu")
PRIVATE_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru")

OPERATING_SYSTEMS = ("Windows 10 Pro 64-бит", "Windows 11 Pro", "Windows 10 LTSC", "Windows Server 2019",
                     "Windows 7 SP1", "Windows 11 Home", "Astra Linux 1.7 (Wine)")
ERROR_CODES = ("0x80070005", "0x80070643", "0xC000007B", "0x8007045D", "0x800F081F", "E-1042", "E-2210",
               "E-3107", "E-0417", "LIC-12", "LIC-31")
FILE_STEMS = ("проект_объекта", "ТЦ_Галерея_этаж2", "школа_№12", "склад_корпус_Б", "офис_Ленина_15",
              "ЖК_Северный_секция3", "больница_корпус1", "ДК_Металлург", "project_final", "warehouse_B")

# Agents of the desk over the five years: (login, name, joined, left), as fractions of the span
# (left < 1: they left, and are disabled with their history kept).
AGENTS = (
    ("petrova", "Анна Петрова", 0.0, 2.0), ("sidorov", "Пётр Сидоров", 0.0, 2.0),
    ("kuznetsova", "Ольга Кузнецова", 0.0, 2.0), ("ivanov", "Игорь Иванов", 0.0, 2.0),
    ("orlova", "Мария Орлова", 0.0, 2.0), ("belov", "Денис Белов", 0.1, 2.0),
    ("frolova", "Ксения Фролова", 0.25, 2.0), ("zaitsev", "Роман Зайцев", 0.4, 2.0),
    ("gromova", "Вера Громова", 0.55, 2.0), ("lebedev", "Артём Лебедев", 0.7, 2.0),
    ("titova", "Дарья Титова", 0.85, 2.0), ("makarov", "Олег Макаров", 0.0, 0.35),
    ("sokolova", "Елена Соколова", 0.0, 0.55), ("antonov", "Кирилл Антонов", 0.2, 0.8),
)
