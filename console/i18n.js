// The console's words: one message table. Its keys are the English
// source strings, as the client's gettext msgids are (client/i18n.h), and
// the Chinese is the msgstr; %{name} stands for a value. Chinese is the
// default, English a switch away (kept in localStorage).
//
// A refusal is said from its RFC 9457 type and members, never from the
// English detail: the same templates as the client's (client/refusal.c),
// the first whose members are all known; the members of the problem win
// over what the page knew of its request.

const LANG = 'vpoints-console-lang';

const zh = {
	'Volunteer points station': '志愿积分 · 服务站',
	'Check-in board': '签到台',
	'Volunteers': '志愿者',
	'Redeem': '积分兑换',
	'Points for help': '邻里互助',
	'Reports': '统计报表',
	'Station key': '站点密钥',
	'%{name} (%{volunteer}) checked in.': '%{name}（%{volunteer}）已签到。',
	'%{name} (%{volunteer}) has %{balance} points.': '%{name}（%{volunteer}）现有 %{balance} 积分。',
	'%{name} (%{volunteer}) is registered.': '%{name}（%{volunteer}）已注册。',
	'%{name}: %{price} points, %{stock} in stock': '%{name}：%{price} 积分，库存 %{stock}',
	'%{n} writes wait to be sent:': '%{n} 条记录等待发送：',
	'%{receipt} is void: the points and the stock are back.': '%{receipt} 已作废：积分和库存已退回。',
	'%{volunteer} checked out: %{minutes} minutes, %{points} points.': '%{volunteer} 已签退：服务 %{minutes} 分钟，获得 %{points} 积分。',
	'A kept write was refused: %{what}': '暂存的记录被拒绝：%{what}',
	'A kept write was sent: %{what}': '暂存的记录已发送：%{what}',
	'Accept': '接受',
	'Accept help %{id}': '接受互助 %{id}',
	'Activity': '服务活动',
	'Annual': '年度',
	'Annual report %{period}': '%{period} 年度报表',
	'Ask for help': '发布求助',
	'Balance': '积分余额',
	'Birth month': '出生年月',
	'By': '统计层级',
	'Cancel': '取消',
	'Cancel help %{id}': '取消互助 %{id}',
	'Cause': '事由',
	'Check in %{volunteer}': '签到 %{volunteer}',
	'Check in / out': '签到 / 签退',
	'Check out': '签退',
	'Check out %{volunteer}': '签退 %{volunteer}',
	'Checking whether the key is enrolled…': '正在确认密钥是否已登记……',
	'Complete': '完成',
	'Complete help %{id}': '完成互助 %{id}',
	'Consents to keeping personal details': '同意保存个人信息',
	'Correct': '更正',
	'Correct shift %{shift}': '更正服务记录 %{shift}',
	'Download CSV': '下载 CSV',
	'Ended': '结束时间',
	'Every write has been answered.': '所有记录均已送达。',
	'Find': '查找',
	'Find a volunteer': '查找志愿者',
	'Forget this key': '删除此密钥',
	'Forget this key? A new key must be enrolled again.': '确定删除此密钥？新密钥须重新登记。',
	'Gender': '性别',
	'Help for %{volunteer}': '%{volunteer} 求助',
	'Help request %{id} is open.': '互助请求 %{id} 已发布。',
	'Help request %{id}: %{status}.': '互助请求 %{id}：%{status}。',
	'Helper': '帮助志愿者',
	'ID number (kept only as a keyed hash)': '身份证号（仅保存加密摘要）',
	'Id': '编号',
	'Item': '物品',
	'Key id (RFC 7638)': '密钥标识（RFC 7638）',
	'Log a paper record': '补录纸质记录',
	'Log the paper record': '补录',
	'Logged: %{minutes} minutes (%{hours} h), %{points} points.': '已补录：%{minutes} 分钟（%{hours} 小时），%{points} 积分。',
	'Make the station key': '生成站点密钥',
	'Memo': '备注',
	'Minutes': '分钟',
	'Minutes of service': '服务分钟数',
	'Month': '月份',
	'Monthly': '月度',
	'Monthly report %{period}': '%{period} 月度报表',
	'Name': '姓名',
	'No answer from the server. Try again in a moment.': '服务器没有应答，请稍后再试。',
	'No answer from the server: the write is kept and will be sent again.': '服务器没有应答：记录已暂存，将自动重新发送。',
	'No open check-ins.': '暂无未签退的签到。',
	'No open requests.': '暂无进行中的求助。',
	'Nobody has that number or name.': '没有此编号或姓名的志愿者。',
	'Nothing in this period.': '此期间没有数据。',
	'Number': '志愿者编号',
	'Number of the helper': '帮助志愿者的编号',
	'Number, name or scan': '编号、姓名或扫码',
	'Open check-ins': '未签退',
	'Paper record of %{volunteer}': '补录 %{volunteer} 的纸质记录',
	'Phone': '联系电话',
	'Place': '服务地点',
	'Points': '积分',
	'Points offered': '悬赏积分',
	'Print': '打印',
	'Print receipt (58 mm)': '打印凭条（58 毫米）',
	'Print receipt (A4)': '打印凭条（A4）',
	'Public key (JWK)': '公钥（JWK）',
	'Quantity': '数量',
	'Reason': '原因',
	'Receipt': '兑换凭条',
	'Received by': '领取人签字',
	'Recent shifts': '最近服务记录',
	'Recent transfers': '最近积分明细',
	'Redeem %{item} for %{volunteer}': '为 %{volunteer} 兑换 %{item}',
	'Redeem points': '兑换积分',
	'Redeemed: %{quantity} × %{item_name}, %{points} points; %{balance} left.': '已兑换：%{quantity} × %{item_name}，消耗 %{points} 积分，余额 %{balance}。',
	'Register': '注册',
	'Register %{volunteer}': '注册 %{volunteer}',
	'Register a volunteer': '注册志愿者',
	'Registered on': '注册日期',
	'Report': '报表',
	'Requester': '求助志愿者',
	'Scan a card or type a number, then Enter': '扫描志愿者证或输入编号，按回车',
	'Send now': '立即发送',
	'Service hours': '志愿服务时长（小时）',
	'Shift %{shift} is corrected.': '服务记录 %{shift} 已更正。',
	'Show': '查看',
	'Since': '签到时间',
	'Star level': '星级',
	'Started': '开始时间',
	'Station': '服务站',
	'Status': '状态',
	'Teams': '所属队伍',
	'The daemon does not know this key yet.': '服务器尚未登记此密钥，请管理员登记。',
	'The key is enrolled: this browser is a station.': '密钥已登记：此浏览器可作为服务站使用。',
	'The private key never leaves this browser. An admin enrols the public key:': '私钥只保存在此浏览器中。请管理员登记下面的公钥：',
	'This browser cannot make Ed25519 signatures (Web Crypto), so it cannot be a station. Use a current Chrome, Edge, Firefox or Safari.': '此浏览器不支持 Ed25519 签名（Web Crypto），不能作为服务站使用。请使用最新版 Chrome、Edge、Firefox 或 Safari。',
	'This browser has no station key yet. Make one, then ask an admin to enrol it.': '此浏览器还没有站点密钥。请先生成密钥，再请管理员登记。',
	'This page is not in a secure context, so the browser cannot sign. Open it as http://localhost or over HTTPS.': '此页面不在安全上下文中，浏览器无法签名。请通过 http://localhost 或 HTTPS 打开。',
	'Time': '时间',
	'Void': '作废',
	'Void %{receipt}': '作废 %{receipt}',
	'Volunteer': '志愿者',
	'What is needed': '求助内容',
	'What was done': '服务内容',
	'When': '时间',
	'Withdrawing consent erases the personal details everywhere. Go on?': '撤回同意将在所有记录中删除个人信息。确定继续？',
	'Update %{volunteer}': '更新 %{volunteer}',
	'%{name} (%{volunteer}) is updated.': '%{name}（%{volunteer}）的信息已更新。',
	'Update': '更新',
	'Update the registration': '更新注册信息',
	'Catalogue': '兑换目录',
	'Add an item': '添加物品',
	'Code': '代码',
	'Category': '类别',
	'Price in points': '兑换所需积分',
	'Stock': '库存',
	'Restock': '补货',
	'Deactivate': '下架',
	'Add': '添加',
	'gift': '礼品', 'book': '图书', 'service': '服务',
	'%{item_name} is added.': '%{item_name} 已添加。',
	'%{item_name}: %{stock} in stock.': '%{item_name}：库存 %{stock}。',
	'%{item_name} is no longer redeemable.': '%{item_name} 已下架。',
	'Units to add': '补货数量',
	'Restock %{item}': '补货 %{item}',
	'Deactivate %{item}': '下架 %{item}',
	'Add %{item}': '添加 %{item}',
	'Active': '有效',
	'Certificates and cards': '证明与证件',
	'Certificate of volunteer service': '志愿服务证明',
	'%{name} (volunteer %{volunteer}) served %{hours} hours in %{shifts} shifts from %{from} to %{to}.': '%{name}（志愿者编号 %{volunteer}）于 %{from} 至 %{to} 期间参加志愿服务 %{shifts} 次，累计服务时长 %{hours} 小时。',
	'%{activity}: %{hours} hours': '%{activity}：%{hours} 小时',
	'Issued by %{station} of %{community} on %{date}.': '出具单位：%{community} %{station}；出具日期：%{date}。',
	'The signature is too long for a QR code here; print it with vpoints certificate issue --html.': '签名过长，无法在此生成二维码；请用 vpoints certificate issue --html 打印。',
	'Volunteer card': '志愿者证',
	'Certificate for %{volunteer}': '为 %{volunteer} 出具证明',
	'Certificate %{number} is issued.': '服务证明 %{number} 已出具。',
	'Year': '年份',
	'Issue a certificate': '出具服务证明',
	'Volunteer numbers': '志愿者编号（以逗号分隔）',
	'Make cards': '生成志愿者证',
	// Words of the ledger's values.
	'active': '正常', 'suspended': '暂停', 'left': '已退出',
	'open': '进行中', 'completed': '已完成', 'recorded': '已记录', 'corrected': '已更正',
	'accepted': '已接受', 'cancelled': '已取消', 'expired': '已过期',
	'accept': '已接受', 'complete': '已完成', 'cancel': '已取消',
	'female': '女', 'male': '男', 'other': '其他',
	'volunteer': '志愿者', 'team': '队伍', 'community': '社区',
	'station': '服务站', 'shift': '志愿服务', 'reversal': '更正冲销',
	'redemption': '积分兑换', 'help': '邻里互助',
	// Refusals (client/refusal.c).
	'%{volunteer} has %{balance} points; %{quantity} × %{item_name} costs %{cost}.': '%{volunteer} 现有 %{balance} 积分；%{quantity} × %{item_name} 需要 %{cost} 积分。',
	'%{volunteer} has %{balance} points and cannot offer %{points}.': '%{volunteer} 现有 %{balance} 积分，不能悬赏 %{points} 积分。',
	'%{item_name}: %{stock} in stock, %{quantity} asked.': '%{item_name}：库存 %{stock}，需要 %{quantity}。',
	'%{item_name} (%{item}) is no longer in the catalogue.': '%{item_name}（%{item}）已下架。',
	'This station\'s catalogue has no item %{item}.': '本站兑换目录中没有物品 %{item}。',
	'Redemption %{redemption} was voided already.': '兑换 %{redemption} 已经作废。',
	'No volunteer has number %{volunteer}.': '没有编号为 %{volunteer} 的志愿者。',
	'A volunteer with number %{volunteer} exists already.': '编号为 %{volunteer} 的志愿者已存在。',
	'Volunteer %{volunteer} is %{volunteer_status}.': '志愿者 %{volunteer} 的状态为“%{volunteer_status}”。',
	'Volunteer %{volunteer} belongs to another community.': '志愿者 %{volunteer} 属于其他社区。',
	'Volunteer %{volunteer} has another shift at that time.': '志愿者 %{volunteer} 在此时间已有其他服务记录或签到。',
	'Personal details are kept only with the volunteer\'s consent.': '须经志愿者同意才能保存个人信息。',
	'This person appears to be registered already. Ask the city office.': '此人似乎已经注册。请联系市志愿服务办公室。',
	'Shift %{shift} is not an open check-in.': '服务记录 %{shift} 不是未签退的签到。',
	'No shift has id %{shift}.': '没有编号为 %{shift} 的服务记录。',
	'Shift %{shift} was corrected already; correct the newest record.': '服务记录 %{shift} 已更正过；请更正最新的记录。',
	'A field is missing or not valid.': '有字段缺失或格式不正确。',
	'This station key is not enrolled, or has been revoked.': '此站点密钥未登记或已被撤销。',
	'This help request is no longer open.': '此互助请求已结束。',
	'The request was refused (%{status}).': '请求被拒绝（%{status}）。',
	'The clock of this computer is off by more than a few minutes: set it right, then try again.': '本机时钟误差过大，请校准时间后重试。',
	'The page was opened under a name the server does not answer to: open it by the server\'s own address.': '本页面的访问地址不是服务器登记的名称，请使用服务器的正式地址打开。',
	'%{closed_month} is closed: nothing dated before %{open_from} can be recorded or changed. The open month is %{open_month}.': '%{closed_month} 已结账：%{open_from} 之前的记录不能再录入或更改。当前开放月份为 %{open_month}。',
	'That month is closed: nothing dated in it can be recorded or changed.': '该月份已结账：不能再录入或更改该月的记录。',
	'That date is too far back for a station key; an admin key can record it.': '日期太早，服务站密钥不能补录；请管理员补录。',
	'A shift lasts at least one whole minute.': '一次服务至少一整分钟。',
	'A time given is in the future.': '所填时间晚于当前时间。',
	// The event board (board.js).
	'Event board': '活动报名',
	'From': '起始日期',
	'No events in these days.': '这几天没有活动。',
	'Event': '活动',
	'Places': '名额',
	'Taken': '已报名',
	'Free': '空余',
	'Waiting': '候补',
	'Waiting list': '候补序号',
	'Signed up': '报名时间',
	'Sign up': '报名',
	'Sign-ups': '报名名单',
	'Event %{id}': '活动 %{id}',
	'Nobody has signed up yet.': '还没有人报名。',
	'%{taken} of %{places} places taken, %{free} free, %{waiting} waiting.': '名额 %{places} 个，已报名 %{taken} 个，空余 %{free} 个，候补 %{waiting} 人。',
	'Sign up %{volunteer}': '为 %{volunteer} 报名',
	'%{volunteer} has a place.': '%{volunteer} 报名成功，已获得名额。',
	'%{volunteer} waits: number %{position} on the waiting list.': '%{volunteer} 已进入候补，候补第 %{position} 位。',
	'Cancel the sign-up of %{volunteer}': '取消 %{volunteer} 的报名',
	'The sign-up of %{volunteer} is cancelled.': '%{volunteer} 的报名已取消。',
	'It is late: it counts as a no-show.': '已过取消期限，记为一次爽约。',
	'The place goes to %{volunteers}.': '名额已递补给 %{volunteers}。',
	'Lift the no-show block of %{volunteer}': '解除 %{volunteer} 的爽约限制',
	'Lift the block of %{volunteer}': '解除 %{volunteer} 的限制',
	'Why is the block of %{volunteer} lifted?': '解除 %{volunteer} 限制的原因？',
	'The block of %{volunteer} is lifted.': '%{volunteer} 的爽约限制已解除，可以重新报名。',
	'Download XLSX': '下载 Excel',
	'not-open': '未开放', 'closed': '已截止', 'running': '进行中', 'over': '已结束',
	'place': '已获名额', 'waiting': '候补', 'late': '逾期取消', 'attended': '已签到',
	'no-show': '爽约', 'event-cancelled': '活动已取消',
	'Sign-up for event %{event} is not open now.': '活动 %{event} 当前不在报名时间内。',
	'Volunteer %{volunteer} is signed up for this event already.': '志愿者 %{volunteer} 已经报名此活动。',
	'Volunteer %{volunteer} does not meet the event\'s requirements.': '志愿者 %{volunteer} 不符合此活动的报名条件。',
	'Volunteer %{volunteer} did not come too often: new sign-ups are refused until a station lifts the block.': '志愿者 %{volunteer} 爽约次数过多：须由服务站解除限制后才能报名。',
	'Volunteer %{volunteer} is signed up or serves elsewhere at that time.': '志愿者 %{volunteer} 在此时间已有其他报名或服务。',
	'Event %{event} was cancelled.': '活动 %{event} 已取消。',
	'No event has id %{event}.': '没有编号为 %{event} 的活动。',
	'Event %{event} is over.': '活动 %{event} 已结束。',
	'Event %{event} has no free place.': '活动 %{event} 没有空余名额。',
	'The sign-up of %{volunteer} is no longer live.': '%{volunteer} 的报名已不再有效。',
	'%{volunteer} has checked in already: the sign-up cannot be cancelled.': '%{volunteer} 已签到，不能取消报名。',
	'Volunteer %{volunteer} is not blocked.': '志愿者 %{volunteer} 没有被限制报名。',
};

// Refusal templates by problem type slug, most specific first.
const refusals = {
	'signup-closed': ['Sign-up for event %{event} is not open now.'],
	'already-signed-up': ['Volunteer %{volunteer} is signed up for this event already.'],
	'requirement-unmet': ['Volunteer %{volunteer} does not meet the event\'s requirements.'],
	'signup-blocked': ['Volunteer %{volunteer} did not come too often: new sign-ups are refused until a station lifts the block.'],
	'signup-overlap': ['Volunteer %{volunteer} is signed up or serves elsewhere at that time.'],
	'event-cancelled': ['Event %{event} was cancelled.'],
	'unknown-event': ['No event has id %{event}.'],
	'event-over': ['Event %{event} is over.'],
	'event-full': ['Event %{event} has no free place.'],
	'signup-not-live': ['The sign-up of %{volunteer} is no longer live.'],
	'already-checked-in': ['%{volunteer} has checked in already: the sign-up cannot be cancelled.'],
	'not-blocked': ['Volunteer %{volunteer} is not blocked.'],
	'insufficient-points': [
	    '%{volunteer} has %{balance} points; %{quantity} × %{item_name} costs %{cost}.',
	    '%{volunteer} has %{balance} points and cannot offer %{points}.'],
	'out-of-stock': ['%{item_name}: %{stock} in stock, %{quantity} asked.'],
	'item-inactive': ['%{item_name} (%{item}) is no longer in the catalogue.'],
	'unknown-item': ['This station\'s catalogue has no item %{item}.'],
	'already-voided': ['Redemption %{redemption} was voided already.'],
	'unknown-volunteer': ['No volunteer has number %{volunteer}.'],
	'volunteer-exists': ['A volunteer with number %{volunteer} exists already.'],
	'volunteer-suspended': ['Volunteer %{volunteer} is %{volunteer_status}.'],
	'outside-community': ['Volunteer %{volunteer} belongs to another community.'],
	'shift-overlap': ['Volunteer %{volunteer} has another shift at that time.'],
	'consent-required': ['Personal details are kept only with the volunteer\'s consent.'],
	'duplicate-id-number': ['This person appears to be registered already. Ask the city office.'],
	'shift-not-open': ['Shift %{shift} is not an open check-in.'],
	'unknown-shift': ['No shift has id %{shift}.'],
	'already-corrected': ['Shift %{shift} was corrected already; correct the newest record.'],
	'invalid-field': ['A field is missing or not valid.'],
	'key-unknown': ['This station key is not enrolled, or has been revoked.'],
	'key-revoked': ['This station key is not enrolled, or has been revoked.'],
	'help-resolved': ['This help request is no longer open.'],
	'signature-too-old': ['The clock of this computer is off by more than a few minutes: set it right, then try again.'],
	'signature-in-future': ['The clock of this computer is off by more than a few minutes: set it right, then try again.'],
	'signature-expired': ['The clock of this computer is off by more than a few minutes: set it right, then try again.'],
	'wrong-authority': ['The page was opened under a name the server does not answer to: open it by the server\'s own address.'],
	'month-closed': [
	    '%{closed_month} is closed: nothing dated before %{open_from} can be recorded or changed. The open month is %{open_month}.',
	    'That month is closed: nothing dated in it can be recorded or changed.'],
	'back-entry-window': ['That date is too far back for a station key; an admin key can record it.'],
	'shift-too-short': ['A shift lasts at least one whole minute.'],
	'start-in-future': ['A time given is in the future.'],
	'end-in-future': ['A time given is in the future.'],
	'date-in-future': ['A time given is in the future.'],
};

// The report's columns (client/headings.c), [English, Chinese].
const columns = {
	number: ['Volunteer number', '志愿者编号'], name: ['Name', '名称'],
	code: ['Code', '代码'], community: ['Community', '社区'],
	minutes: ['Minutes of service', '服务时长（分钟）'],
	hours: ['Hours of service', '志愿服务时长（小时）'],
	minutes_ytd: ['Minutes this year', '本年累计服务时长（分钟）'],
	hours_ytd: ['Hours of service this year', '本年累计服务时长（小时）'],
	progress: ['Progress to 20 hours (%)', '年度 20 小时进度（%）'],
	shifts: ['Shifts', '服务次数'], points_earned: ['Points earned', '获得积分'],
	points_spent: ['Points spent', '消耗积分'], balance: ['Points left', '积分余额'],
	stars: ['Star level', '星级'], population: ['Population', '常住人口'],
	registered: ['Registered volunteers', '注册志愿者人数'],
	registration_share: ['Registration share', '注册率'],
	share_target_met: ['Registration target met', '注册率达标'],
	active: ['Volunteers who served', '参加服务志愿者人数'],
	average_hours: ['Average hours of service', '人均服务时长（小时）'],
	on_track: ['Volunteers on track', '时长进度达标人数'],
	points_issued: ['Points issued', '发放积分'],
	points_redeemed: ['Points redeemed', '兑换积分'],
};

// The language in force: 'zh' (the default) or 'en'.
export function lang() {
	return localStorage.getItem(LANG) === 'en' ? 'en' : 'zh';
}

export function setLang(l) {
	localStorage.setItem(LANG, l);
	document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

// Fill %{name} from values; undefined when one is missing.
function fillIn(template, values) {
	let missing = false;
	const s = template.replace(/%\{(\w+)\}/g, (m, k) => {
		const v = values[k];
		if (v === undefined || v === null || v === '') {
			missing = true;
			return m;
		}
		return String(lang() === 'zh' && zh[v] !== undefined && typeof v === 'string' ? zh[v] : v);
	});
	return missing ? undefined : s;
}

// A message in the user's language, its %{name} filled from values.
export function t(msgid, values = {}) {
	const text = lang() === 'zh' && zh[msgid] !== undefined ? zh[msgid] : msgid;
	const s = fillIn(text, values);
	return s === undefined ? text : s;
}

// A report column's heading.
export function column(member) {
	const c = columns[member];
	return c === undefined ? member : c[lang() === 'zh' ? 1 : 0];
}

// A refusal (an RFC 9457 problem) as a sentence in the user's language.
export function say(problem, context = {}) {
	const slug = String(problem.type || '').replace(/^urn:vpoints:problem:/, '');
	const values = Object.assign({}, context, problem);
	for (const template of refusals[slug] || []) {
		const s = fillIn(t(template), values);
		if (s !== undefined)
			return s;
	}
	if (lang() === 'en' && problem.detail)
		return problem.detail;
	return t('The request was refused (%{status}).', { status: problem.status }) +
	    (problem.detail ? ' ' + problem.detail : '');
}
