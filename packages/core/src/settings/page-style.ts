/**
 * @module settings/page-style — the settings page's stylesheet, inline because the page loads
 * nothing else; laid out for a narrow slider (about 600 px) as much as for a full window.
 */

/** The CSS of the settings page. */
export const PAGE_STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
main{max-width:680px;margin:0 auto;padding:16px}
h1{font-size:20px;line-height:1.3;margin:0 0 4px}
h2{font-size:15px;line-height:1.3;margin:0 0 4px}
p{margin:0}
.desc{color:#52606d;margin:2px 0 6px;white-space:pre-line;overflow-wrap:anywhere}
.intro{margin-bottom:16px}
.panel{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:12px 16px;margin:0 0 16px}
.field{margin:14px 0 0}
.field>label,.label,.list>legend{display:block;font-weight:600;margin:0 0 2px;padding:0}
.list{border:0;padding:0;min-width:0}
input[type=text],input[type=password],input[type=number],textarea{display:block;width:100%;margin:4px 0 0;padding:6px 8px;font:inherit;color:inherit;background:#fff;border:1px solid #bcccdc;border-radius:4px}
textarea{min-height:6em;resize:vertical}
textarea.markdown{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
input:focus,textarea:focus,button:focus{outline:2px solid #2f80ed;outline-offset:1px}
.check>label,.field>label.option{display:flex;gap:8px;align-items:baseline;font-weight:600;margin:4px 0 0}
.field>label.option{font-weight:400;margin:2px 0 0}
.option-group{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#7b8794;margin:10px 0 0}
.hint{color:#7b8794;font-size:12px;margin:2px 0 0}
.req{color:#c92a2a;margin-left:2px}
.invalid input[type=text],.invalid input[type=password],.invalid input[type=number],.invalid textarea{border-color:#c92a2a}
.errors{color:#c92a2a;margin:4px 0 0;padding:0;list-style:none}
.preview{margin:4px 0 0;padding:8px 12px;background:#f5f7fa;border:1px solid #e4e7eb;border-radius:4px;overflow-wrap:anywhere}
.preview>:first-child{margin-top:0}.preview>:last-child{margin-bottom:0}
.preview p,.preview ul,.preview ol,.preview pre,.preview blockquote,.preview table{margin:0 0 8px}
.preview pre{white-space:pre-wrap;font-size:13px}
.preview code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;background:#e4e7eb;border-radius:3px;padding:0 3px}
.preview pre code{background:none;padding:0}
.preview table{border-collapse:collapse}.preview th,.preview td{border:1px solid #d9e2ec;padding:2px 6px}
a{color:#1c6dd0}
.status table{width:100%;border-collapse:collapse}
.status th{width:40%;padding:4px 12px 4px 0;text-align:left;font-weight:400;color:#52606d;vertical-align:top}
.status td{padding:4px 0;overflow-wrap:anywhere}
.status tr+tr>*{border-top:1px solid #e4e7eb}
.mark{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:#9aa5b1}
.mark.ok{background:#2f9e44}.mark.bad{background:#c92a2a}
.notice{border-radius:8px;padding:10px 16px;margin:0 0 16px;border:1px solid}
.notice.ok{background:#ebfbee;border-color:#b2f2bb}
.notice.bad{background:#fff5f5;border-color:#ffc9c9}
.notice ul{margin:6px 0 0;padding-left:20px}
.actions{margin:0 0 16px}
button{font:inherit;font-weight:600;color:#fff;background:#2f80ed;border:0;border-radius:4px;padding:8px 24px;cursor:pointer}
button:hover{background:#1c6dd0}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`.trim();
