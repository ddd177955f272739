// Welcome, language, unknown text and unexpected errors.
export const en = {
  'welcome.title': 'Hi, I am the ADE backup bot',
  'welcome.body':
    'I help on-call engineers keep Azure Disk Encryption (ADE) encrypted VMs backed up, and get them back when something breaks. Every change I make in Azure is shown on a card first and made only after you confirm; restores also need a second person to approve.',
  'welcome.next': 'Type **help** to see what I can do. 中文請輸入 **language zh-TW**。',
  'welcome.sandbox': 'This bot runs against the local sandbox Azure: nothing here touches a real subscription.',
  'unknown.text': "Sorry, I don't know that one. Type **help** to see what I can do.",
  'planned.text': '**{command}** is not available in this version yet. Type **help** to see what I can do.',
  'error.title': 'Something went wrong',
  'error.body':
    'Sorry, I could not finish that. Please try again; if it keeps happening, give this reference to your bot administrator.',
  'error.reference': 'Reference: {id}',
  'progress.title': 'Working on it…',
  'progress.text': 'Azure is taking a moment to answer. This card will update itself when the answer is ready.',
  'language.title': 'Language',
  'language.current': 'I reply to you in {language}.',
  'language.changed': 'Done: from now on I reply to you in {language}.',
  'language.choose': 'Choose below, or type **language en** or **language zh-TW**.',
  'language.unknown': 'I can reply in English (**language en**) or Traditional Chinese (**language zh-TW**).',
  'language.name.en': 'English',
  'language.name.zh-TW': 'Traditional Chinese (繁體中文)',
};

export const zhTW: Record<keyof typeof en, string> = {
  'welcome.title': '您好，我是 ADE 備份機器人',
  'welcome.body':
    '我協助值班工程師讓使用 Azure 磁碟加密 (ADE) 的已加密的 VM 持續備份，並在發生問題時將其還原。我在 Azure 中的每項變更都會先顯示在卡片上，經您確認後才會執行；還原另外需要第二個人核准。',
  'welcome.next': '輸入 **help** 查看我能做什麼。For English, type **language en**.',
  'welcome.sandbox': '此機器人連線的是本機沙箱 Azure：這裡的操作不會影響任何真實的訂用帳戶。',
  'unknown.text': '抱歉，我不懂這個指令。輸入 **help** 查看我能做什麼。',
  'planned.text': '此版本尚未提供 **{command}**。輸入 **help** 查看我能做什麼。',
  'error.title': '發生錯誤',
  'error.body': '抱歉，我無法完成這項操作。請再試一次；如果問題持續發生，請將下列參考編號提供給機器人管理員。',
  'error.reference': '參考編號：{id}',
  'progress.title': '處理中…',
  'progress.text': 'Azure 需要一點時間回應。結果就緒時，這張卡片會自動更新。',
  'language.title': '語言',
  'language.current': '我目前以{language}回覆您。',
  'language.changed': '完成：從現在起我會以{language}回覆您。',
  'language.choose': '請在下方選擇，或輸入 **language en** 或 **language zh-TW**。',
  'language.unknown': '我可以用英文 (**language en**) 或繁體中文 (**language zh-TW**) 回覆。',
  'language.name.en': '英文 (English)',
  'language.name.zh-TW': '繁體中文',
};
