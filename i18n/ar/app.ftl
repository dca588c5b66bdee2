app-title = apsdesk
demo-banner = تجريبي — حساب APS محاكى، لا أموال حقيقية
production-banner = الإنتاج — أموال حقيقية
sandbox-banner = بيئة الاختبار
simulator-banner = المحاكي
custom-banner = خادم مخصص (ليس APS)
banner-profile = الملف: { $profile } · { $environment } · المشغل: { $operator }
loading-profile = جارٍ فتح الحساب…
demo-loading = جارٍ تحميل الطلبات التجريبية… { $done } من { $total }

nav-transactions = المعاملات
nav-activity = السجل
nav-signature = أداة التوقيع
nav-settings = الإعدادات

language = اللغة
theme = المظهر
theme-light = فاتح
theme-dark = داكن

search-hint = ابحث بالمرجع أو fort_id أو البريد أو الاسم أو طريقة الدفع أو مرجع كي نت…
filter-state = الحالة
filter-currency = العملة
filter-any = الكل
refresh = تحديث
export-csv = تصدير CSV…
orders-count = { $count ->
    [zero] لا طلبات
    [one] طلب واحد
    [two] طلبان
    [few] { $count } طلبات
    [many] { $count } طلباً
   *[other] { $count } طلب
}
loading-more = جارٍ التحميل…

col-reference = المرجع
capture-window-open = عمر التفويض { $age } يوم، تنتهي مهلة تحصيله بعد { $left } يوم
capture-window-passed = انقضت مهلة التحصيل، سترفضه APS
capture-window-unknown = وقت التفويض غير معروف، فلا تُحسب مهلة التحصيل
col-created = التاريخ
date-recorded = سُجّل { $time }
date-recorded-hint = وقت أول ظهور لهذا الطلب في السجل. وقت الدفع نفسه غير معروف بعد (يصل مع إشعار المعاملة من APS).
col-state = الحالة
col-option = الطريقة
col-currency = العملة
col-amount = المبلغ
col-captured = المحصّل
col-refunded = المسترد
col-customer = العميل

detail-none = اختر طلباً لعرض تفاصيله.
detail-totals = المجاميع
detail-authorized = المفوَّض
detail-captured = المحصّل
detail-refunded = المسترد
detail-remaining-capture = المتبقي للتحصيل
detail-remaining-refund = المتبقي للاسترداد
detail-fort-id = fort_id
detail-method = طريقة الدفع
detail-card = البطاقة
detail-customer = العميل
detail-authorization-code = رمز التفويض
detail-knet-ref = الرقم المرجعي لكي نت
detail-third-party = رقم عملية الطرف الثالث
detail-timeline = التسلسل الزمني
detail-raw = آخر رد كما ورد
detail-blocked = العملية { $operation } ({ $command }) حالتها { $state }: يجب التسوية قبل أي تحصيل أو استرداد أو إلغاء.
copy = نسخ
copied = تم نسخ { $what }

action-capture = تحصيل…
action-refund = استرداد…
action-void = إلغاء…
action-status = الاستعلام عن الحالة
action-reconcile = تسوية
action-close = إغلاق
action-send = إرسال
action-cancel = إلغاء الأمر

dialog-capture = تحصيل
dialog-refund = استرداد
dialog-void = إلغاء التفويض
field-amount = المبلغ
field-currency = العملة
field-description = وصف الطلب
field-maintenance-reference = مرجع العملية
will-send = سيتم إرسال
confirm-production = هذه بيئة الإنتاج. اكتب المبلغ ({ $amount }) للتأكيد
confirm-mismatch = المبلغ المكتوب غير مطابق.
sending = جارٍ الإرسال…

outcome-succeeded = نجحت العملية
outcome-declined = رُفضت العملية
outcome-uncertain = غير مؤكدة: ربما تحركت الأموال. قم بالتسوية قبل المحاولة مجدداً.
outcome-untrusted = غير موثوقة: توقيع الرد غير صحيح. قم بالتسوية قبل المحاولة مجدداً.
outcome-not-sent = لم تُرسل
reconciled-applied = تمت التسوية: العملية { $operation } طُبقت.
reconciled-not-applied = تمت التسوية: العملية { $operation } لم تُطبق؛ يمكن إعادة المحاولة.
reconciled-open = العملية { $operation } ما زالت مفتوحة: { $why }
reconciled-in-flight = لم تُمسّ العملية { $operation }: { $who }

state-unknown = غير معروف
state-authorized = مفوَّض
state-partially_captured = محصّل جزئياً
state-captured = محصّل
state-partially_refunded = مسترد جزئياً
state-refunded = مسترد
state-voided = ملغى
state-declined = مرفوض
state-not_found = غير موجود
state-link_open = رابط مفتوح
state-link_paid = رابط مدفوع
state-link_expired = رابط منتهٍ

activity-title = العمليات
activity-verify = تحقق من السلسلة
activity-intact = السلسلة سليمة: تم فحص { $count } قيد.
activity-broken = السلسلة مكسورة عند القيد { $seq }: تم تعديل السجل بعد كتابته.
activity-findings = السجل ليس سليمًا: { $count } ملاحظة.
activity-operator = المشغل
activity-command = الأمر
activity-outcome = النتيجة
activity-code = الرمز
activity-time = الوقت

signature-title = أداة التوقيع
signature-input = الطلب أو الرد (JSON أو نموذج)
signature-sha-type = نوع SHA
signature-phrase-from = العبارة من الملف النشط
signature-request-phrase = توقيع طلب (عبارة الطلب)
signature-response-phrase = التحقق من رد (عبارة الرد)
signature-string = النص المراد توقيعه
signature-result = التوقيع
signature-valid = التوقيع في المدخل صحيح.
signature-invalid = التوقيع في المدخل غير مطابق.
signature-error = تعذرت قراءة المدخل: { $error }

nav-bulk = العمليات المجمعة
bulk-title = العمليات المجمعة
bulk-input = مراجع تجارية، أو أسطر CSV بصيغة merchant_reference,amount
bulk-use-selection = استخدم الطلبات المعروضة
bulk-capture = تحصيل الكل
bulk-refund = استرداد الكل
bulk-status = الاستعلام عن حالة الكل
bulk-pause = إيقاف مؤقت
bulk-resume = استئناف
bulk-cancel = إلغاء الباقي
bulk-copy-results = نسخ النتائج بصيغة CSV
bulk-progress = اكتمل { $done } من { $total }
bulk-waiting = بالانتظار
bulk-running = جارٍ الإرسال…
bulk-skipped = تم التخطي
bulk-no-amount = لا يوجد مبلغ في هذا السطر

nav-links = روابط الدفع
nav-tokens = الرموز
links-title = إنشاء رابط دفع
links-list = روابط الدفع المنشأة
links-refresh = تحديث الحالات
field-merchant-reference = المرجع التجاري
field-customer-email = بريد العميل
field-customer-name = اسم العميل
field-customer-phone = هاتف العميل
field-expiry = ينتهي الرابط في
field-notification = إشعار العميل عبر
field-link-command = نوع الدفع
link-url = الرابط
link-created = تم إنشاء الرابط
tokens-title = تحديث رمز بطاقة محفوظة
field-token-name = اسم الرمز
field-token-status = حالة الرمز
field-token-expiry = تاريخ الانتهاء الجديد (YYMM)
field-card-holder = اسم حامل البطاقة الجديد
field-new-token-name = اسم الرمز الجديد
token-keep = دون تغيير
qr-code = رمز QR
action-receipt = إيصال…

nav-profiles = الملفات
profiles-title = ملفات التجار
profiles-none = لا توجد ملفات بعد: أضف ملفاً أدناه. الوضع التجريبي لا يحتاج ملفاً.
profile-test = اختبار
profile-use = استخدام
profile-remove = حذف
profile-add = إضافة ملف أو تعديله (الاسم نفسه: تعديل)
profile-name = اسم الملف
profile-environment = البيئة (sandbox أو production أو رابط المحاكي)
profile-merchant-identifier = معرّف التاجر
profile-sha-type = نوع SHA
profile-access-code = رمز الوصول
profile-request-phrase = عبارة طلب SHA
profile-response-phrase = عبارة رد SHA
profile-name-en = اسم التاجر بالإنجليزية
profile-name-ar = اسم التاجر بالعربية
profile-time-zone = المنطقة الزمنية
profile-clear = امسح النموذج
profile-save = حفظ في سلسلة المفاتيح
profile-saved = تم حفظ الملف { $name }؛ الأسرار في سلسلة المفاتيح.
profile-switched = العمل الآن على { $name }.
field-payment-option = وسيلة الدفع (اختياري)
field-return-url = رابط العودة (اختياري)
bulk-load-csv = تحميل ملف CSV…
orders-scope = طلبات الملف { $profile } ({ $environment }) فقط
bulk-scope = يعمل على الحساب { $account } فقط
bulk-confirm = أكّد وابدأ
confirm-account = حساب الإنتاج: { $account }
confirm-production-void = اكتب المرجع التجاري ({ $reference }) لتأكيد الإلغاء
confirm-reference-mismatch = المرجع المكتوب غير مطابق.
signature-verify-missing = لا يحتوي المدخل على توقيع للتحقق منه.
signature-response-note = يُتحقق هنا من توقيع الرد فقط: الأداة لا تنتج توقيع رد أبداً.

# عنوان النافذة ونافذة «حول» (المسألة 14).
window-title = apsdesk — { $profile } · { $environment }
window-title-demo = apsdesk — عرض تجريبي (محاكاة، لا أموال حقيقية)
title-production = الإنتاج
title-sandbox = بيئة الاختبار
title-simulator = المحاكي
title-custom = خادم مخصص
nav-about = حول
about-title = حول apsdesk
about-version = apsdesk { $version }
about-description = مكتب خلفي على سطح المكتب لتجار خدمات الدفع من أمازون.
about-licence = apsdesk برنامج حر بموجب رخصة MIT أو رخصة Apache 2.0، حسب اختيارك.
about-fonts = الخطوط المرفقة: Noto Sans وNoto Sans Arabic، بموجب رخصة SIL Open Font License 1.1.
about-third-party = رخص المكتبات التي بُني منها مدرجة في الملف THIRD-PARTY-LICENSES.txt المثبت مع البرنامج.
about-licence-text = نص الرخصة: { $licence }
about-close = إغلاق
journal-already-open = هذا السجل مفتوح بالفعل في نافذة apsdesk أخرى: استخدم تلك النافذة.

# Issue 15: filters, selection, bulk preview
filter-method = طريقة الدفع
filter-amount-min = المبلغ من
filter-amount-max = المبلغ إلى
filter-amount-needs-currency = اختر عملة للتصفية بالمبلغ: تُقرأ المبالغ بخاناتها العشرية.
filter-from = من
filter-to = إلى
filter-expiring = تنتهي قريباً
filter-expiring-hint = تفويضات عمرها 5 إلى 7 أيام بقي منها ما يُستحصل: ترفض APS الاستحصال بعد اليوم السابع.
selection-count = { $count ->
    [one] طلب واحد محدد
   *[other] { $count } طلبات محددة
}
select-all-filtered = حدّد كل الطلبات المصفّاة
select-none = ألغِ التحديد
selection-capture = استحصل المحدد…
selection-refund = استرد المحدد…
selection-status = تحقق من حالة المحدد…
select-all-too-many = أكثر من { $limit } طلب يطابق: ضيّق التصفية لتحديدها كلها.
bulk-currency-unknown = العملة غير معروفة هنا: اعرض الطلب في المعاملات (أو تحقق من حالته) أولاً
bulk-nothing-to-capture = لم يبقَ ما يُستحصل
bulk-nothing-to-refund = لم يبقَ ما يُسترد
bulk-preview = { $account }: { $action } — { $count ->
    [one] طلب واحد
   *[other] { $count } طلبات
}، بإجمالي { $totals }.
bulk-preview-skipped = { $count ->
    [one] سطر واحد لن يُرسل (يذكر السطر السبب).
   *[other] { $count } أسطر لن تُرسل (يذكر كل سطر السبب).
}
bulk-confirm-type-total = الإنتاج: اكتب الإجمالي المعروض ({ $totals }) للبدء
palette-title = انتقل أو نفّذ…
palette-hint = اكتب اسم شاشة أو إجراء (Ctrl+K)
palette-nothing = لا شيء يطابق.
palette-clear-filters = امسح كل عوامل التصفية
palette-capture-shown = استحصل الطلب المعروض…
palette-refund-shown = استرد الطلب المعروض…
palette-status-shown = تحقق من حالة الطلب المعروض
palette-english = التبديل إلى الإنجليزية
palette-arabic = التبديل إلى العربية
palette-theme = التبديل بين الفاتح والداكن
palette-recall-view = العرض: { $name }
views-title = العروض المحفوظة
views-choose = استدعِ…
views-save = احفظ العرض…
views-name = اسم العرض
views-save-named = احفظ
views-saved = حُفظ العرض «{ $name }»
bulk-sent-before-closing = أُرسل قبل إغلاق apsdesk: نتيجته في سجل الطلب
bulk-interrupted = انقطعت عملية مجمعة عند إغلاق apsdesk: أُرسل { $sent } من { $total } سطراً. تعرض شاشة العمليات المجمعة الباقي لتشغيله أو إلغائه.
bulk-save-results = احفظ النتائج بصيغة CSV…
