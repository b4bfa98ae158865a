package docin

import (
	"strings"
	"testing"

	xunicode "golang.org/x/text/encoding/unicode"
)

// testPage is a typical government article page: navigation, breadcrumb,
// a title block above the article div, a sidebar of links, a share bar,
// scripts and a footer.
const testPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>河南省人民政府关于明确政府工作报告提出的2023年重点工作责任单位的通知_河南省人民政府门户网站</title>
<script>var menu = "脚本内容";</script><style>.x { color: red }</style></head>
<body>
<div class="header"><div class="logo">河南省人民政府门户网站</div>
 <ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/wj">政府文件</a></div>
<div class="wrap">
 <div class="left">
  <div class="art-title"><h1>河南省人民政府<br>关于明确政府工作报告提出的2023年重点工作责任单位的通知</h1></div>
  <div class="docno">豫政〔2023〕5号</div>
  <div id="zoom" class="TRS_Editor">
   <p>&nbsp;&nbsp;现将《政府工作报告》提出的2023年重点工作任务予以分解并明确责任单位。各责任单位要尽快制定具体落实方案，
   明确时间节点、责任领导、主要措施，并于2023年3月25日前向省政府报告进展情况。</p>
   <p style="text-indent:2em">　　一、加快提振市场信心</p>
   <p>（一）全面促进消费增长。</p>
   <p>1.把恢复和扩大消费摆在优先位置，改善消费条件，创新消费场景。（省商务厅、财政厅等相关部门按职责分工负责）</p>
   <p>2.落实好提振市场信心90条措施。（省发展改革委牵头，省商务厅、财政厅等相关部门按职责分工负责）</p>
   <p>3.激活房地产市场，落实首套房贷款支持政策。（省住房城乡建设厅牵头）</p>
   <p>附件：重点工作任务台账</p>
   <table border="1"><tbody>
    <tr><td>序号</td><td>项目(任务)</td><td>责任领导</td><td>责任单位</td><td>配合单位</td><td>拟完成时限</td></tr>
    <tr><td>1</td><td><p>加快推进</p><p>重点项目建设。</p></td><td rowspan="2">万战伟</td><td>市发展改革委</td><td>各县(市、区)政府</td><td>2023年12月月底前</td></tr>
    <tr><td>2</td><td>抓好A|B</td><td colspan="2">市财政局</td><td>年内</td></tr>
   </tbody></table>
  </div>
  <div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
 </div>
 <div class="sidebar"><h3>相关文章</h3><ul><li><a href="/1">关于印发某某工作方案的通知</a></li><li><a href="/2">另一篇文章的标题很长很长很长</a></li></ul></div>
 <div class="right"><ul><li><a href="/3">热点新闻一号新闻标题</a></li><li><a href="/4">热点新闻二号新闻标题</a></li></ul></div>
</div>
<div class="footer">主办：河南省人民政府办公厅　网站标识码4100000000　豫ICP备05000000号</div>
<noscript>请启用脚本</noscript>
<script>document.write("统计代码");</script>
</body></html>`

const wantPage = "河南省人民政府\n" +
	"关于明确政府工作报告提出的2023年重点工作责任单位的通知\n" +
	"豫政〔2023〕5号\n" +
	"现将《政府工作报告》提出的2023年重点工作任务予以分解并明确责任单位。各责任单位要尽快制定具体落实方案，明确时间节点、责任领导、主要措施，并于2023年3月25日前向省政府报告进展情况。\n" +
	"一、加快提振市场信心\n" +
	"（一）全面促进消费增长。\n" +
	"1.把恢复和扩大消费摆在优先位置，改善消费条件，创新消费场景。（省商务厅、财政厅等相关部门按职责分工负责）\n" +
	"2.落实好提振市场信心90条措施。（省发展改革委牵头，省商务厅、财政厅等相关部门按职责分工负责）\n" +
	"3.激活房地产市场，落实首套房贷款支持政策。（省住房城乡建设厅牵头）\n" +
	"附件：重点工作任务台账\n" +
	"序号 | 项目(任务) | 责任领导 | 责任单位 | 配合单位 | 拟完成时限 |\n" +
	"1 | 加快推进 重点项目建设。 | 万战伟 | 市发展改革委 | 各县(市、区)政府 | 2023年12月月底前 |\n" +
	"2 | 抓好A｜B | 万战伟 | 市财政局 | 年内 |"

func TestReadHTMLPage(t *testing.T) {
	got, err := Read("notice.html", []byte(testPage))
	if err != nil {
		t.Fatal(err)
	}
	if got != wantPage {
		t.Errorf("got\n%s\nwant\n%s", got, wantPage)
	}
	for _, junk := range []string{"首页", "政务公开", "当前位置", "相关文章", "热点新闻", "分享", "主办", "ICP", "脚本", "统计代码", "门户网站"} {
		if strings.Contains(got, junk) {
			t.Errorf("output contains page chrome %q", junk)
		}
	}
}

func TestReadHTMLVariants(t *testing.T) {
	article := `<p>豫政〔2023〕5号</p><p>一、加快提振市场信心</p><p>（一）全面促进消费增长，改善消费条件，创新消费场景。</p>`
	wantArticle := "豫政〔2023〕5号\n一、加快提振市场信心\n（一）全面促进消费增长，改善消费条件，创新消费场景。"
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{
			name: "gbk declared by http-equiv",
			data: gbk(t, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>通知</title></head><body><div class="content">`+article+`</div></body></html>`),
			want: wantArticle,
		},
		{
			name: "gbk declared by meta charset",
			data: gbk(t, `<html><head><meta charset="GBK"></head><body><div id="zoom">`+article+`</div></body></html>`),
			want: wantArticle,
		},
		{
			name: "gb18030 without declaration",
			data: gbk(t, `<html><body><div>`+article+`</div></body></html>`),
			want: wantArticle,
		},
		{
			name: "utf-8 page with a stale gb2312 meta",
			data: []byte(`<html><head><meta charset="gb2312"></head><body>` + article + `</body></html>`),
			want: wantArticle,
		},
		{
			name: "utf-16 with BOM",
			data: utf16(t, `<!DOCTYPE html><html><body>`+article+`</body></html>`, xunicode.LittleEndian),
			want: wantArticle,
		},
		{
			name: "layout tables with nav row, title row and a nested data table",
			data: []byte(`<html><body><table width="100%"><tr><td><a href="/">首页</a> | <a href="/a">政务公开</a> | <a href="/b">互动交流</a></td></tr>
<tr><td class="bt">关于做好重点工作的通知</td></tr>
<tr><td>` + article + `<table><tr><th>序号</th><th>责任单位</th></tr><tr><td>1</td><td>市发展改革委</td></tr></table></td></tr></table></body></html>`),
			want: "关于做好重点工作的通知\n" + wantArticle + "\n序号 | 责任单位 |\n1 | 市发展改革委 |",
		},
		{
			name: "title only in <title> is prepended",
			data: []byte(`<html><head><title>许昌市人民政府关于做好重点工作的通知 - 许昌市人民政府</title></head><body><div class="nav"><a href="/">首页</a></div><div class="content">` + article + `</div></body></html>`),
			want: "许昌市人民政府关于做好重点工作的通知\n" + wantArticle,
		},
		{
			name: "pre keeps its lines, list items and headings are lines",
			data: []byte(`<html><body><h2>一、总体要求</h2><ul><li>加快  推进</li><li>抓好<b>落实</b></li></ul><pre>第一行
  第二行</pre></body></html>`),
			want: "一、总体要求\n加快 推进\n抓好落实\n第一行\n第二行",
		},
		{
			name: "source line breaks next to Chinese vanish, others become spaces",
			data: []byte("<html><body><p>抓细抓好\r\n360个项目，2023年\n12月底前完成。\nPlan\n  B</p></body></html>"),
			want: "抓细抓好360个项目，2023年12月底前完成。Plan B",
		},
		{
			name: "title and document number right under body; site banner is not taken",
			data: []byte(`<html><body><div class="top">欢迎访问某某市人民政府网站</div><div class="tit">某某市人民政府关于做好重点工作的通知</div><p class="wh">某政〔2023〕7号</p><div class="content">` + article + `</div></body></html>`),
			want: "某某市人民政府关于做好重点工作的通知\n某政〔2023〕7号\n" + wantArticle,
		},
		{
			name: "link bar between title and content is skipped, metadata table above is kept",
			data: []byte(`<html><body><div class="container"><table class="bd1"><tr><td>发文字号：</td><td>豫政〔2023〕5号</td></tr></table><div class="article"><h1>河南省人民政府关于做好重点工作的通知</h1><div class="pages-date">2023-02-20 来源：省政府 字号：<a>默认</a> <a>大</a> <a>超大</a> <a>打印本页</a> <a>关闭窗口</a></div><div id="UCAP-CONTENT">` + strings.Repeat(article, 3) + `</div></div></div></body></html>`),
			want: "发文字号： | 豫政〔2023〕5号 |\n河南省人民政府关于做好重点工作的通知\n" + strings.TrimSuffix(strings.Repeat(wantArticle+"\n", 3), "\n"),
		},
		{
			name: "row made only of cells spanned from above is not repeated",
			data: []byte(`<html><body><table><tr><td rowspan="2">1</td><td>A</td></tr><tr><td></td></tr><tr><td>2</td><td>B</td></tr></table></body></html>`),
			want: "1 | A |\n2 | B |",
		},
		{
			name: "hidden elements and entities",
			data: []byte(`<html><body><div style="display: none">隐藏的内容</div><p>A&amp;B&lt;C&gt;&#x4E00;&nbsp;&nbsp;二</p></body></html>`),
			want: "A&B<C>一  二",
		},
		{
			name: "whole page in an ASP.NET form is kept",
			data: []byte(`<html><body><form id="form1"><div class="content">` + strings.Repeat(article, 20) + `</div></form></body></html>`),
			want: strings.TrimSuffix(strings.Repeat(wantArticle+"\n", 20), "\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read("page.html", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestReadHTMLErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"only navigation", `<html><body><ul class="menu"><li><a href="/">首页</a></li></ul><script>x()</script></body></html>`, "没有找到正文"},
		{"empty body", `<!DOCTYPE html><html><head><title>空</title></head><body></body></html>`, "没有找到正文"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("a.html", []byte(tt.data))
			if e := asError(t, err); !strings.Contains(e.Zh, tt.want) {
				t.Errorf("error %q does not contain %q", e.Zh, tt.want)
			}
		})
	}
}
