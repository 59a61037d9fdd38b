-- A SYNTHETIC copy of the shared-data registers for demos and tests. No row
-- describes a real person or enterprise: names, identity numbers, credit
-- codes and addresses are generated below from md5 of a counter, so every
-- run gives exactly the same data. Run with psql as the superuser on
-- counterdesk_shared after 001_registers.sql; running it again replaces the
-- data (TRUNCATE, then insert).
--
-- Contents
--   population     ~12,000 people: valid GB 11643 numbers (MOD 11-2 check,
--                  sex in digit 17, real birth dates 1930-2024), region codes
--                  mostly 330702 (金华市婺城区, the demo centre), about 2 %
--                  deceased; the old code 530630 (水富县) in some numbers of
--                  people born before 2018.
--   civil_affairs  低保, 特困, 高龄津贴, 残疾人两项补贴, 临时救助.
--   elicence       结婚证 (both spouses, one number), 营业执照, 残疾人证.
--   enterprise     ~1,200 enterprises: valid GB 32100 codes (authority 9,
--                  type 1 company / 2 individual business / 3 farmers'
--                  cooperative, GB 11714 organisation code with its own check).
--
-- Fixed records for demos and end-to-end tests (besides the generated ones):
--   11010519491231002X  王秀英  F  the standard's example number (北京朝阳)
--   360426199101010071  李明    M  DOMAIN.md test vector
--   44011320141005001X  陈子轩  M  DOMAIN.md test vector
--   330702198803151237  张伟    M  married to 李娜 (结婚证 J330702-2015-900001)
--   330702199007222465  李娜    F
--   330702194005011354  王建国  M  deceased (身后一件事)
--   330702193811112489  赵秀兰  F  aged 80+, 高龄津贴 and 特困
--   330702197506303578  刘强    M  legal representative of 金华市婺城区鑫盛餐饮管理有限公司
--                                  (91330702MA2D3M0A0F, with its 营业执照)
--   91350100M000100Y43, 91110000600037341L, 91310115MA1K3BTP2B: enterprises
--   under the credit codes used as examples in DOMAIN.md.

SET client_encoding = 'UTF8';

-- ---------------------------------------------------------------------------
-- Check characters (also useful to validate imported extracts)

-- GB 11643-1999, ISO 7064 MOD 11-2: the 18th character of an identity number.
CREATE OR REPLACE FUNCTION registry.gb11643_check_char(p_first17 text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	w constant int[] := '{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}';
	s int := 0;
BEGIN
	IF p_first17 !~ '^[0-9]{17}$' THEN
		RETURN NULL;
	END IF;
	FOR i IN 1..17 LOOP
		s := s + substr(p_first17, i, 1)::int * w[i];
	END LOOP;
	RETURN substr('10X98765432', s % 11 + 1, 1);
END
$$;

-- GB 11714-1997: the 9th character of an organisation code (MOD 11; letters
-- count A = 10 ... Z = 35; 10 -> X, 11 -> 0).
CREATE OR REPLACE FUNCTION registry.gb11714_check_char(p_first8 text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	w constant int[] := '{3,7,9,10,5,8,4,2}';
	s int := 0;
	c text;
	r int;
BEGIN
	IF p_first8 !~ '^[0-9A-Z]{8}$' THEN
		RETURN NULL;
	END IF;
	FOR i IN 1..8 LOOP
		c := substr(p_first8, i, 1);
		s := s + (CASE WHEN c ~ '[0-9]' THEN c::int ELSE ascii(c) - 55 END) * w[i];
	END LOOP;
	r := 11 - s % 11;
	RETURN CASE r WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE r::text END;
END
$$;

-- GB 32100-2015, MOD 31: the 18th character of a unified social credit code.
CREATE OR REPLACE FUNCTION registry.gb32100_check_char(p_first17 text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
	w constant int[] := '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}';
	s int := 0;
	v int;
BEGIN
	IF p_first17 !~ '^[0-9A-HJ-NPQRTUWXY]{17}$' THEN
		RETURN NULL;
	END IF;
	FOR i IN 1..17 LOOP
		v := strpos(alphabet, substr(p_first17, i, 1)) - 1;
		s := s + v * w[i];
	END LOOP;
	RETURN substr(alphabet, (31 - s % 31) % 31 + 1, 1);
END
$$;

-- The helpers must agree with the standards' own examples (DOMAIN.md).
DO $selftest$
BEGIN
	IF registry.gb11643_check_char('11010519491231002') <> 'X'
	   OR registry.gb11643_check_char('44052418800101001') <> '4'
	   OR registry.gb11643_check_char('36042619910101007') <> '1'
	   OR registry.gb11643_check_char('44011320141005001') <> 'X'
	   OR registry.gb11643_check_char('36042619910102009') <> '3'
	   OR registry.gb11643_check_char('15010219880730303') <> '5'
	   OR registry.gb32100_check_char('91350100M000100Y4') <> '3'
	   OR registry.gb32100_check_char('91110000600037341') <> 'L'
	   OR registry.gb32100_check_char('12120000401359081') <> '6'
	   OR registry.gb32100_check_char('91310115MA1K3BTP2') <> 'B'
	   OR registry.gb11714_check_char('MA1K3BTP') <> '2'
	   OR registry.gb11714_check_char('60003734') <> '1' THEN
		RAISE EXCEPTION 'check character helpers disagree with the standards'' examples';
	END IF;
END
$selftest$;

-- ---------------------------------------------------------------------------
-- Deterministic "randomness": 48 bits of md5 of a key.

CREATE FUNCTION pg_temp.h(p_key text) RETURNS bigint
	LANGUAGE sql IMMUTABLE
AS $$ SELECT ('x' || substr(md5(p_key), 1, 12))::bit(48)::bigint $$;

CREATE FUNCTION pg_temp.pick(p_items text[], p_n bigint) RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$ SELECT p_items[1 + (p_n % cardinality(p_items))::int] $$;

CREATE FUNCTION pg_temp.chars(p text) RETURNS text[]
	LANGUAGE sql IMMUTABLE
AS $$ SELECT regexp_split_to_array(p, '') $$;

DROP TABLE IF EXISTS pg_temp.demo_region;
CREATE TEMP TABLE demo_region (n int PRIMARY KEY, code text, prefix text, short text);
INSERT INTO demo_region VALUES
	(1,  '330702', '浙江省金华市婺城区', '金华'),
	(2,  '330703', '浙江省金华市金东区', '金华'),
	(3,  '330782', '浙江省义乌市',       '义乌'),
	(4,  '530681', '云南省昭通市水富市', '水富'),
	(5,  '110105', '北京市朝阳区',       '北京'),
	(6,  '440113', '广东省广州市番禺区', '广州'),
	(7,  '360426', '江西省九江市德安县', '德安'),
	(8,  '310115', '上海市浦东新区',     '上海'),
	(9,  '320106', '江苏省南京市鼓楼区', '南京'),
	(10, '510107', '四川省成都市武侯区', '成都'),
	(11, '420106', '湖北省武汉市武昌区', '武汉'),
	(12, '370102', '山东省济南市历下区', '济南');

-- The fixed people (first 17 characters): kept out of the generated
-- marriages and benefits so that their story is exactly the one above.
DROP TABLE IF EXISTS pg_temp.demo_fixed;
CREATE TEMP TABLE demo_fixed (id17 text PRIMARY KEY);
INSERT INTO demo_fixed VALUES ('11010519491231002'), ('36042619910101007'), ('44011320141005001'),
	('33070219880315123'), ('33070219900722246'), ('33070219400501135'), ('33070219381111248'),
	('33070219750630357');

TRUNCATE registry.population, registry.civil_affairs, registry.elicence, registry.enterprise;

-- ---------------------------------------------------------------------------
-- Population

-- The fixed records first.
INSERT INTO registry.population (id_no, name, sex, birth_date, address, status)
SELECT f.id17 || registry.gb11643_check_char(f.id17), f.name, f.sex, f.birth_date, f.address, f.status
FROM (VALUES
	('11010519491231002', '王秀英', 'F', date '1949-12-31', '北京市朝阳区光华路18号院3号楼2单元602室', 'alive'),
	('36042619910101007', '李明',   'M', date '1991-01-01', '江西省九江市德安县蒲亭镇人民路56号', 'alive'),
	('44011320141005001', '陈子轩', 'M', date '2014-10-05', '广东省广州市番禺区市桥街道兴泰路88号', 'alive'),
	('33070219880315123', '张伟',   'M', date '1988-03-15', '浙江省金华市婺城区人民路128号阳光花园5幢1单元301室', 'alive'),
	('33070219900722246', '李娜',   'F', date '1990-07-22', '浙江省金华市婺城区人民路128号阳光花园5幢1单元301室', 'alive'),
	('33070219400501135', '王建国', 'M', date '1940-05-01', '浙江省金华市婺城区白龙桥镇新民村3组17号', 'deceased'),
	('33070219381111248', '赵秀兰', 'F', date '1938-11-11', '浙江省金华市婺城区罗店镇前村5组8号', 'alive'),
	('33070219750630357', '刘强',   'M', date '1975-06-30', '浙江省金华市婺城区解放路66号锦绣家园2幢3单元502室', 'alive')
) AS f(id17, name, sex, birth_date, address, status);

INSERT INTO registry.population (id_no, name, sex, birth_date, address, status)
SELECT g.id17 || registry.gb11643_check_char(g.id17), g.name, g.sex, g.birth_date, g.address, g.status
FROM (
	SELECT
		-- 530630 (水富县, abolished 2018) stays in older numbers.
		CASE WHEN r.code = '530681' AND b.birth_date < date '2018-01-01' AND k.h4 % 3 = 0
		     THEN '530630' ELSE r.code END
		|| to_char(b.birth_date, 'YYYYMMDD')
		|| lpad((2 * (k.h3 % 500) + CASE WHEN s.sex = 'M' THEN 1 ELSE 0 END)::text, 3, '0') AS id17,
		-- Surnames skewed toward the common ones.
		pg_temp.pick(pg_temp.chars('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'),
			     least(k.h1 % 100, k.h2 % 100))
		|| CASE WHEN s.sex = 'M'
			THEN pg_temp.pick(pg_temp.chars('伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文博海东峰'), k.h5)
			     || CASE WHEN k.h5 % 4 = 0 THEN ''
				     ELSE pg_temp.pick(pg_temp.chars('伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文博海东峰'), k.h6) END
			ELSE pg_temp.pick(pg_temp.chars('芳娜敏静丽艳娟霞燕秀玲桂英萍红琳婷雪慧颖倩洁梅兰琴晶莉璐月佳怡欣悦琪涵梦雨'), k.h5)
			     || CASE WHEN k.h5 % 4 = 0 THEN ''
				     ELSE pg_temp.pick(pg_temp.chars('芳娜敏静丽艳娟霞燕秀玲桂英萍红琳婷雪慧颖倩洁梅兰琴晶莉璐月佳怡欣悦琪涵梦雨'), k.h6) END
		   END AS name,
		s.sex,
		b.birth_date,
		r.prefix || CASE
			WHEN k.h7 % 10 < 7 THEN
				pg_temp.pick(ARRAY['人民路','解放路','中山路','建设路','和平路','新华路','胜利路','文化路',
						   '八一路','环城南路','迎宾大道','光明街','青年路','东风路','五一路'], k.h7 / 10)
				|| (1 + k.h8 % 388)::text || '号'
				|| CASE WHEN k.h8 % 3 = 0 THEN ''
					ELSE pg_temp.pick(ARRAY['阳光花园','锦绣家园','幸福里','翠苑小区','金色家园','丽景苑',
								'和谐小区','江滨花苑'], k.h8 / 3)
					     || (1 + k.h9 % 30)::text || '幢' || (1 + k.h9 / 30 % 4)::text || '单元'
					     || (1 + k.h9 / 120 % 18)::text || '0' || (1 + k.h9 / 2160 % 4)::text || '室'
				   END
			ELSE
				pg_temp.pick(ARRAY['城东街道','城西街道','新城街道','东风镇','太平镇','青山镇','永安乡','长乐镇'], k.h7 / 10)
				|| pg_temp.pick(ARRAY['前村','后山村','新民村','和平村','上塘村','下洋村','石桥村','龙井村'], k.h8)
				|| (1 + k.h9 % 12)::text || '组' || (1 + k.h9 / 12 % 90)::text || '号'
			END AS address,
		CASE WHEN k.h4 / 3 % 50 = 0 THEN 'deceased' ELSE 'alive' END AS status
	FROM generate_series(1, 12000) AS i
	CROSS JOIN LATERAL (SELECT
		pg_temp.h('p1:' || i) AS h1, pg_temp.h('p2:' || i) AS h2, pg_temp.h('p3:' || i) AS h3,
		pg_temp.h('p4:' || i) AS h4, pg_temp.h('p5:' || i) AS h5, pg_temp.h('p6:' || i) AS h6,
		pg_temp.h('p7:' || i) AS h7, pg_temp.h('p8:' || i) AS h8, pg_temp.h('p9:' || i) AS h9,
		pg_temp.h('pr:' || i) AS hr, pg_temp.h('pb:' || i) AS hb) AS k
	-- 40 % of people from the demo centre's own district.
	JOIN demo_region r ON r.n = (ARRAY[1,1,1,1,1,1,1,1,2,2,3,4,5,6,7,8,9,10,11,12])[1 + (k.hr % 20)::int]
	CROSS JOIN LATERAL (SELECT date '1930-01-01' + (k.hb % (date '2024-12-31' - date '1930-01-01' + 1))::int AS birth_date) AS b
	CROSS JOIN LATERAL (SELECT CASE WHEN k.h2 / 100 % 2 = 0 THEN 'M' ELSE 'F' END AS sex) AS s
) AS g
ON CONFLICT (id_no) DO NOTHING;

-- ---------------------------------------------------------------------------
-- Civil affairs (as of mid-2025)

INSERT INTO registry.civil_affairs (id_no, benefit, status, since)
SELECT p.id_no, x.benefit, x.status, x.since
FROM registry.population p
CROSS JOIN LATERAL (SELECT pg_temp.h('ca:' || p.id_no) AS h) AS k
CROSS JOIN LATERAL (VALUES
	-- 低保: minimum living allowance
	(k.h % 60 = 1, '低保', CASE WHEN k.h / 60 % 5 = 0 THEN 'ended' ELSE 'active' END,
	 greatest(p.birth_date, date '2012-01-01') + (k.h / 300 % 4000)::int),
	-- 特困: support for people in extreme poverty, mostly elderly
	(k.h % 150 = 2 AND p.birth_date < date '1965-01-01', '特困', 'active',
	 date '2014-01-01' + (k.h / 150 % 3800)::int),
	-- 高龄津贴: allowance from the 80th birthday
	(k.h % 3 = 0 AND p.birth_date <= date '1945-06-30', '高龄津贴', 'active',
	 (p.birth_date + interval '80 years')::date),
	-- 残疾人两项补贴: living and nursing subsidies for people with disabilities
	(k.h % 120 = 3, '残疾人两项补贴', 'active',
	 greatest(p.birth_date + interval '16 years', date '2016-01-01')::date + (k.h / 120 % 2500)::int),
	-- 临时救助: one-off assistance, long over
	(k.h % 300 = 4, '临时救助', 'ended',
	 greatest(p.birth_date + interval '18 years', date '2018-01-01')::date + (k.h / 300 % 2000)::int)
) AS x(applies, benefit, status, since)
WHERE x.applies AND p.status = 'alive' AND x.since <= date '2025-06-30'
  AND left(p.id_no, 17) NOT IN (SELECT id17 FROM demo_fixed);

INSERT INTO registry.civil_affairs (id_no, benefit, status, since)
SELECT id_no, b.benefit, 'active', b.since
FROM registry.population p,
     (VALUES ('高龄津贴', date '2018-11-11'), ('特困', date '2019-03-01')) AS b(benefit, since)
WHERE left(p.id_no, 17) = '33070219381111248';

-- ---------------------------------------------------------------------------
-- Enterprises

INSERT INTO registry.enterprise (uscc, name, legal_rep_id, status, registered_on, address)
WITH adults AS (
	SELECT id_no, row_number() OVER (ORDER BY id_no) AS rn
	FROM registry.population
	WHERE status = 'alive' AND birth_date <= date '2004-12-31'
), gen AS (
	SELECT i,
	       CASE WHEN k.h1 % 10 < 6 THEN '1' WHEN k.h1 % 10 < 9 THEN '2' ELSE '3' END AS kind,
	       r.code, r.prefix, r.short, k.*,
	       'MA' || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2)
		    || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2 / 31)
		    || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2 / 961)
		    || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2 / 29791)
		    || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2 / 923521)
		    || pg_temp.pick(pg_temp.chars('0123456789ABCDEFGHJKLMNPQRTUWXY'), k.h2 / 28629151) AS org8,
	       pg_temp.pick(pg_temp.chars('鑫盛华荣兴达源顺恒泰佳宏瑞福锦诚信润丰安康美天正新金宇博睿'), k.h3)
		    || pg_temp.pick(pg_temp.chars('鑫盛华荣兴达源顺恒泰佳宏瑞福锦诚信润丰安康美天正新金宇博睿'), k.h3 / 31) AS trade
	FROM generate_series(1, 1200) AS i
	CROSS JOIN LATERAL (SELECT
		pg_temp.h('e1:' || i) AS h1, pg_temp.h('e2:' || i) AS h2, pg_temp.h('e3:' || i) AS h3,
		pg_temp.h('e4:' || i) AS h4, pg_temp.h('e5:' || i) AS h5, pg_temp.h('er:' || i) AS hr) AS k
	JOIN demo_region r ON r.n = (ARRAY[1,1,1,1,1,1,1,1,2,2,3,4,5,6,7,8,9,10,11,12])[1 + (k.hr % 20)::int]
), coded AS (
	SELECT g.*, '9' || g.kind || g.code || g.org8 || registry.gb11714_check_char(g.org8) AS first17,
	       1 + g.h1 / 10 % (SELECT count(*) FROM adults) AS rep_rn
	FROM gen g
)
SELECT c.first17 || registry.gb32100_check_char(c.first17),
       CASE c.kind
	 WHEN '1' THEN c.short || c.trade
		       || pg_temp.pick(ARRAY['餐饮管理','商贸','科技','建筑工程','物流','食品','农业开发','信息技术',
					     '文化传媒','家政服务','汽车服务','医疗器械'], c.h4) || '有限公司'
	 WHEN '2' THEN c.short || '市' || c.trade
		       || pg_temp.pick(ARRAY['小吃店','便利店','理发店','五金店','水果店','早餐店','面馆','服装店'], c.h4)
	 ELSE c.short || c.trade
	      || pg_temp.pick(ARRAY['种植','养殖','茶叶','果蔬','苗木'], c.h4) || '专业合作社'
       END,
       a.id_no,
       CASE WHEN c.h5 % 20 = 0 THEN 'deregistered' WHEN c.h5 % 50 = 1 THEN 'revoked' ELSE 'active' END,
       date '1995-01-01' + (c.h5 / 50 % (date '2025-06-30' - date '1995-01-01'))::int,
       c.prefix || pg_temp.pick(ARRAY['人民路','解放路','中山路','建设路','新华路','八一路','迎宾大道',
				       '工业园区创业路','经济开发区科技路'], c.h3 / 961)
		|| (1 + c.h4 / 12 % 500)::text || '号'
FROM coded c
JOIN adults a ON a.rn = c.rep_rn
ON CONFLICT (uscc) DO NOTHING;

-- The fixed enterprises (the three codes from DOMAIN.md and 刘强's restaurant).
INSERT INTO registry.enterprise (uscc, name, legal_rep_id, status, registered_on, address)
SELECT f.first17 || registry.gb32100_check_char(f.first17), f.name, p.id_no, 'active', f.registered_on, f.address
FROM (VALUES
	('91350100M000100Y4', '福州闽江示范实业有限公司', '36042619910101007', date '2016-05-18', '福建省福州市鼓楼区五四路100号'),
	('91110000600037341', '北京朝阳示范贸易有限公司', '11010519491231002', date '2000-09-01', '北京市朝阳区建国路88号'),
	('91310115MA1K3BTP2', '上海浦东示范科技有限公司', '36042619910101007', date '2017-03-09', '上海市浦东新区张江路66号'),
	('91330702MA2D3M0A' || registry.gb11714_check_char('MA2D3M0A'), '金华市婺城区鑫盛餐饮管理有限公司',
	 '33070219750630357', date '2019-08-08', '浙江省金华市婺城区八一北街99号')
) AS f(first17, name, rep17, registered_on, address)
JOIN registry.population p ON left(p.id_no, 17) = f.rep17
ON CONFLICT (uscc) DO NOTHING;

-- ---------------------------------------------------------------------------
-- E-licences

-- 结婚证: both spouses hold a certificate under the same number.
INSERT INTO registry.elicence (holder_id, licence_type, licence_no, issued_on, valid_until, status)
WITH m AS (
	SELECT id_no, birth_date, row_number() OVER (ORDER BY pg_temp.h('mm:' || id_no)) AS rn
	FROM registry.population
	WHERE sex = 'M' AND status = 'alive' AND birth_date BETWEEN date '1950-01-01' AND date '2000-12-31'
	  AND pg_temp.h('m:' || id_no) % 20 = 0 AND left(id_no, 17) NOT IN (SELECT id17 FROM demo_fixed)
), f AS (
	SELECT id_no, birth_date, row_number() OVER (ORDER BY pg_temp.h('ff:' || id_no)) AS rn
	FROM registry.population
	WHERE sex = 'F' AND status = 'alive' AND birth_date BETWEEN date '1952-01-01' AND date '2002-12-31'
	  AND pg_temp.h('f:' || id_no) % 20 = 0 AND left(id_no, 17) NOT IN (SELECT id17 FROM demo_fixed)
), pairs AS (
	SELECT m.id_no AS husband, f.id_no AS wife, m.rn,
	       least(greatest(m.birth_date + interval '22 years', f.birth_date + interval '20 years')::date
		     + (pg_temp.h('md:' || m.id_no) % 3650)::int, date '2025-06-30') AS married
	FROM m JOIN f USING (rn)
	WHERE m.rn <= 180
)
SELECT holder, '结婚证', 'J' || left(p.husband, 6) || '-' || to_char(p.married, 'YYYY') || '-' || lpad(p.rn::text, 6, '0'),
       p.married, NULL::date, 'valid'
FROM pairs p CROSS JOIN LATERAL (VALUES (p.husband), (p.wife)) AS h(holder)
UNION ALL
SELECT p.id_no, '结婚证', 'J330702-2015-900001', date '2015-05-20', NULL::date, 'valid'
FROM registry.population p
WHERE left(p.id_no, 17) IN ('33070219880315123', '33070219900722246');

-- 营业执照: the licence number is the credit code; held by the legal representative.
INSERT INTO registry.elicence (holder_id, licence_type, licence_no, issued_on, valid_until, status)
SELECT e.legal_rep_id, '营业执照', e.uscc, e.registered_on, NULL::date,
       CASE e.status WHEN 'active' THEN 'valid' ELSE 'revoked' END
FROM registry.enterprise e
WHERE e.legal_rep_id IS NOT NULL
  AND (pg_temp.h('bl:' || e.uscc) % 4 = 0 OR e.name = '金华市婺城区鑫盛餐饮管理有限公司');

-- 残疾人证: for those with the disability subsidies; number = identity number
-- + category (1-7) + grade (1-4); valid ten years.
INSERT INTO registry.elicence (holder_id, licence_type, licence_no, issued_on, valid_until, status)
SELECT c.id_no, '残疾人证',
       c.id_no || (1 + pg_temp.h('dc:' || c.id_no) % 7)::text || (1 + pg_temp.h('dg:' || c.id_no) % 4)::text,
       c.since - 30, c.since - 30 + interval '10 years' - interval '1 day',
       CASE WHEN c.since - 30 + interval '10 years' < date '2025-06-30' THEN 'expired' ELSE 'valid' END
FROM registry.civil_affairs c
WHERE c.benefit = '残疾人两项补贴';

-- ---------------------------------------------------------------------------
-- The data must be what it claims to be.

DO $check$
DECLARE
	n_people bigint;
	n_ent bigint;
BEGIN
	SELECT count(*) INTO n_people FROM registry.population;
	SELECT count(*) INTO n_ent FROM registry.enterprise;
	IF n_people < 10000 OR n_ent < 1000 THEN
		RAISE EXCEPTION 'demo registry too small'
			USING DETAIL = format('%s people, %s enterprises', n_people, n_ent);
	END IF;
	IF EXISTS (SELECT 1 FROM registry.population
		   WHERE right(id_no, 1) <> registry.gb11643_check_char(left(id_no, 17))
		      OR substr(id_no, 7, 8) <> to_char(birth_date, 'YYYYMMDD')
		      OR (substr(id_no, 17, 1)::int % 2 = 1) <> (sex = 'M')
		      OR birth_date NOT BETWEEN date '1930-01-01' AND date '2024-12-31') THEN
		RAISE EXCEPTION 'demo registry holds an inconsistent identity number';
	END IF;
	IF EXISTS (SELECT 1 FROM registry.enterprise
		   WHERE right(uscc, 1) <> registry.gb32100_check_char(left(uscc, 17))
		      OR substr(uscc, 17, 1) <> registry.gb11714_check_char(substr(uscc, 9, 8))
		      OR legal_rep_id NOT IN (SELECT id_no FROM registry.population)) THEN
		RAISE EXCEPTION 'demo registry holds an inconsistent credit code';
	END IF;
END
$check$;

DROP TABLE demo_region, demo_fixed;
ANALYZE registry.population, registry.civil_affairs, registry.elicence, registry.enterprise;
