"""The UI's stylesheet (kept in Python so an installed package carries it)."""

CSS = """
.gradio-container { max-width: 1360px !important; margin: 0 auto; }
#oa-header { align-items: center; gap: 16px; padding: 6px 4px 2px; }
#oa-title h1 { font-size: 1.45rem; margin: 0; letter-spacing: -0.01em; }
#oa-title p { margin: 2px 0 0; color: #475569; font-size: 0.92rem; }
#oa-who { font-size: 0.82rem; color: #64748b; }
#oa-who a { color: #4f46e5; }
.oa-card { background: #fff; border: 1px solid #e2e8f0; border-radius: 12px; padding: 16px 18px;
  box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04); }
.oa-card h4, .oa-fixes h4 { margin: 16px 0 8px; font-size: 0.95rem; color: #0f172a; }
.oa-kicker { text-transform: uppercase; font-size: 0.7rem; letter-spacing: 0.08em; color: #64748b;
  font-weight: 600; }
.oa-head { display: flex; justify-content: space-between; align-items: flex-end; gap: 12px; }
.oa-category { margin-top: 4px; display: flex; align-items: center; gap: 10px; }
.oa-category .oa-pill { font-size: 1.05rem; padding: 5px 14px; }
.oa-hint { color: #475569; font-size: 0.9rem; }
.oa-big { font-size: 1.6rem; font-weight: 700; color: #0f172a; text-align: right; }
.oa-sub { color: #64748b; font-size: 0.8rem; margin-top: 6px; }
.oa-sub code, .oa-meta code, .oa-cite code { font-size: 0.75rem; background: #f1f5f9;
  padding: 1px 5px; border-radius: 4px; color: #334155; }
.oa-muted { color: #94a3b8; font-size: 0.85rem; }
.oa-pill { display: inline-block; color: #fff; border-radius: 999px; padding: 2px 10px;
  font-size: 0.78rem; font-weight: 600; line-height: 1.4; }
.oa-tag { display: inline-block; background: #eef2ff; color: #3730a3; border-radius: 6px;
  padding: 1px 7px; font-size: 0.75rem; margin: 2px 2px; }
.oa-bars { margin: 14px 0 6px; display: grid; gap: 6px; }
.oa-bar-row { display: grid; grid-template-columns: 110px 1fr 48px; align-items: center; gap: 10px;
  font-size: 0.86rem; color: #334155; }
.oa-bar-top { font-weight: 700; color: #0f172a; }
.oa-bar-track { background: #f1f5f9; border-radius: 999px; height: 12px; overflow: hidden; }
.oa-bar-fill { display: block; height: 100%; border-radius: 999px; }
.oa-bar-value { text-align: right; font-variant-numeric: tabular-nums; }
.oa-compare { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; margin-top: 12px; }
.oa-compare > div { border-radius: 10px; padding: 10px 12px; }
.oa-compare p { margin: 4px 0 0; font-size: 0.9rem; color: #1e293b; }
.oa-symptom { background: #f8fafc; border: 1px dashed #cbd5e1; }
.oa-root { background: #eef2ff; border: 1px solid #c7d2fe; }
.oa-rationale { color: #475569; font-size: 0.85rem; margin: 8px 2px 0; }
@media (max-width: 640px) {  /* phones: rows wrap instead of cutting buttons off */
  #oa-feedback, #oa-box-row { flex-wrap: wrap !important; }
  #oa-feedback > *, #oa-box-row > * { min-width: 0 !important; }
  .gradio-container .main.fillable { padding-left: 6px !important; padding-right: 6px !important; }
  #oa-tabs .tab-container { flex-wrap: wrap !important; }
}
.oa-plans { border: 1px solid #cbd5e1; border-radius: 10px; padding: 8px 12px; margin-top: 10px;
  background: #f8fafc; }
.oa-plan-list { list-style: none; padding-left: 0; margin: 4px 0; }
.oa-plan-item { margin: 6px 0; }
.oa-plan-item[data-direction="against"] .oa-plan-dir { color: #64748b; }
.oa-plan-quote { margin: 4px 0; padding: 2px 10px; border-left: 3px solid #94a3b8;
  font-family: ui-monospace, monospace; font-size: 0.82rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.oa-plan-finding, .oa-plan-ref { font-size: 0.82rem; margin: 2px 0; color: #334155; }
.oa-steps { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.oa-step { border: 1px solid #e2e8f0; border-radius: 10px; padding: 10px 12px;
  background: #fcfcfd; }
.oa-step-head { display: flex; align-items: center; gap: 8px; cursor: pointer; font-size: 0.93rem; }
.oa-step-head input { width: 16px; height: 16px; accent-color: #4f46e5; }
.oa-step-n { display: inline-flex; width: 22px; height: 22px; border-radius: 50%;
  background: #e0e7ff; color: #3730a3; font-size: 0.75rem; font-weight: 700; align-items: center;
  justify-content: center; }
.oa-step-body { margin-left: 54px; }
.oa-step-body p { margin: 6px 0 0; font-size: 0.88rem; color: #1e293b; }
.oa-why { color: #475569 !important; }
.oa-meta { margin-top: 6px; display: flex; gap: 6px; align-items: center; }
.oa-cite { margin-top: 6px; font-size: 0.82rem; }
.oa-cite summary { cursor: pointer; color: #4338ca; }
.oa-cite blockquote { margin: 6px 0 0; padding: 8px 10px; background: #f8fafc;
  border-left: 3px solid #a5b4fc; color: #334155; border-radius: 0 6px 6px 0; }
.oa-bandaids { margin: 0; padding-left: 0; list-style: none; }
.oa-bandaids li { padding: 4px 0 4px 26px; position: relative; font-size: 0.88rem; color: #334155; }
.oa-bandaids li::before { content: "\\2715"; position: absolute; left: 4px; color: #dc2626;
  font-weight: 700; }
.oa-change { font-size: 0.86rem; color: #334155; background: #f8fafc; border-radius: 8px;
  padding: 8px 10px; }
.oa-escalation { background: #fef2f2; border: 1px solid #fca5a5; border-left: 6px solid #dc2626;
  border-radius: 10px; padding: 10px 14px; margin-bottom: 12px; color: #7f1d1d; }
.oa-escalation-title { font-weight: 700; }
.oa-escalation p { margin: 4px 0 0; }
.oa-safety-check { background: #fff7ed; border: 1px solid #fdba74; border-left: 6px solid #ea580c;
  border-radius: 10px; padding: 8px 12px; margin-bottom: 12px; color: #7c2d12; }
.oa-warning { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 10px;
  padding: 8px 12px; margin-top: 12px; color: #78350f; font-size: 0.86rem; }
.oa-warning ul { margin: 4px 0 0 18px; padding: 0; }
.oa-empty { border: 2px dashed #cbd5e1; border-radius: 12px; padding: 28px; color: #64748b;
  text-align: center; background: #fff; }
.oa-empty-title { font-weight: 700; color: #334155; font-size: 1.05rem; margin-bottom: 6px; }
.oa-critique { display: grid; gap: 12px; }
.oa-critique-head { display: flex; gap: 22px; align-items: center; }
.oa-score { width: 110px; height: 110px; border-radius: 50%; display: flex; align-items: baseline;
  justify-content: center; padding-top: 30px; box-sizing: border-box; flex: none; }
.oa-score-good { background: #dcfce7; color: #166534; border: 4px solid #22c55e; }
.oa-score-fair { background: #fef3c7; color: #92400e; border: 4px solid #f59e0b; }
.oa-score-weak { background: #fee2e2; color: #991b1b; border: 4px solid #ef4444; }
.oa-score-n { font-size: 2.1rem; font-weight: 800; }
.oa-score-of { font-size: 0.85rem; margin-left: 2px; }
.oa-critique-side p { margin: 8px 0 0; font-size: 0.9rem; }
.oa-counts { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; font-size: 0.9rem; }
.oa-critique-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
  gap: 12px; }
.oa-fixes { background: #fff; border: 1px solid #e2e8f0; border-left: 5px solid #4f46e5;
  border-radius: 12px; padding: 4px 16px 10px; }
.oa-fixes ol { margin: 0; padding-left: 20px; }
.oa-fixes li { margin: 4px 0; font-size: 0.9rem; }
.oa-fixes-none { border-left-color: #22c55e; }
.oa-versus h4 { margin-top: 0; }
.oa-versus-row { margin: 6px 0; display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.oa-status { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: 0.75rem;
  font-weight: 700; white-space: nowrap; }
.oa-status-pass { background: #dcfce7; color: #166534; }
.oa-status-partial { background: #fef3c7; color: #92400e; }
.oa-status-fail { background: #fee2e2; color: #991b1b; }
.oa-status-na { background: #f1f5f9; color: #475569; }
.oa-rubric { width: 100%; border-collapse: separate; border-spacing: 0; background: #fff;
  border: 1px solid #e2e8f0; border-radius: 12px; overflow: hidden; font-size: 0.86rem; }
.oa-rubric th { background: #f8fafc; text-align: left; padding: 9px 10px; color: #475569;
  font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; }
.oa-rubric td { padding: 9px 10px; vertical-align: top; }
.oa-rubric th, .oa-rubric td, .oa-table th, .oa-table td { border: none !important;
  border-top: 1px solid #eef2f7 !important; }
.oa-rubric tr, .oa-table tr, .oa-table thead, .oa-rubric thead { border: none !important; }
.oa-rubric tr.oa-row-pass td:first-child { border-left: 4px solid #22c55e !important; }
.oa-rubric tr.oa-row-partial td:first-child { border-left: 4px solid #f59e0b !important; }
.oa-rubric tr.oa-row-fail td:first-child { border-left: 4px solid #ef4444 !important; }
.oa-rubric tr.oa-row-na td:first-child { border-left: 4px solid #cbd5e1 !important; }
.oa-rubric tr.oa-row-fail { background: #fffafa; }
.oa-finding { color: #475569; font-size: 0.82rem; margin-top: 2px; }
.oa-quote { font-size: 0.8rem; color: #334155; margin-bottom: 3px; }
.oa-line { display: inline-block; min-width: 30px; font-weight: 700; color: #4f46e5;
  font-variant-numeric: tabular-nums; }
.oa-hits { display: grid; gap: 8px; }
.oa-hit { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 10px 12px; }
.oa-hit p { margin: 6px 0 0; font-size: 0.86rem; color: #334155; }
.oa-hit-head { display: flex; align-items: center; gap: 8px; }
.oa-hit-score { margin-left: auto; font-weight: 700; color: #4f46e5;
  font-variant-numeric: tabular-nums; }
.oa-metrics { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
  gap: 10px; }
.oa-metric { background: #fff; border: 1px solid #e2e8f0; border-radius: 12px; padding: 12px 14px; }
.oa-metric-value { font-size: 1.5rem; font-weight: 800; color: #0f172a; }
.oa-metric-ci { color: #64748b; font-size: 0.78rem; }
.oa-gates { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 6px; }
#oa-up, #oa-down { white-space: nowrap; flex-wrap: nowrap !important; align-items: center;
  justify-content: center; }
#oa-chat .options button.option { text-align: left; }
#oa-feedback { align-items: center; }
#oa-chat .message-wrap .prose p { margin: 0.35em 0; }
footer { opacity: 0.7; }
.oa-empty-small { padding: 14px; font-size: 0.9rem; }
.oa-table-wrap { max-height: 340px; overflow: auto; border: 1px solid #e2e8f0; border-radius: 12px;
  background: #fff; }
.oa-table { width: 100%; border-collapse: collapse; font-size: 0.85rem; margin: 0 !important;
  border: none !important; }
.oa-table th { position: sticky; top: 0; background: #f8fafc; text-align: left; padding: 8px 10px;
  color: #475569; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; }
.oa-table td { padding: 8px 10px; border-top: 1px solid #eef2f7; vertical-align: top;
  color: #1e293b; }
.oa-table tr:hover td { background: #f8fafc; }

.oa-step-head input[type=checkbox] { appearance: auto; -webkit-appearance: checkbox; opacity: 1;
  position: static; display: inline-block; margin: 0; flex: none; }
.oa-working { display: flex; gap: 14px; align-items: center; }
.oa-spinner { width: 26px; height: 26px; border-radius: 50%; border: 3px solid #e0e7ff;
  border-top-color: #4f46e5; animation: oa-spin 0.9s linear infinite; flex: none; }
@keyframes oa-spin { to { transform: rotate(360deg); } }
#oa-feedback-status p { margin: 0 4px; color: #166534; font-size: 0.88rem; }
"""


def _icon(paths: str, colour: str) -> str:
    """An inline SVG icon as a CSS data URI (nothing is fetched)."""
    return (
        "url(\"data:image/svg+xml;utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' "
        f"viewBox='0 0 24 24' fill='none' stroke='%23{colour}' stroke-width='2' "
        f"stroke-linecap='round' stroke-linejoin='round'%3E{paths}%3C/svg%3E\")"
    )


_THUMB_UP = (
    "%3Cpath d='M7 10v12'/%3E%3Cpath d='M15 5.88 14 10h5.83a2 2 0 0 1 1.92 2.56l-2.33 8A2 2 0 "
    "0 1 17.5 22H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.76a2 2 0 0 0 1.79-1.11L12 2a3.13 3.13 0 0 1 "
    "3 3.88Z'/%3E"
)
_THUMB_DOWN = (
    "%3Cpath d='M17 14V2'/%3E%3Cpath d='M9 18.12 10 14H4.17a2 2 0 0 1-1.92-2.56l2.33-8A2 2 0 0 1 "
    "6.5 2H20a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-2.76a2 2 0 0 0-1.79 1.11L12 22a3.13 3.13 0 0 1-3-"
    "3.88Z'/%3E"
)
CSS += (
    '#oa-up::before, #oa-down::before { content: ""; display: inline-block; width: 17px; '
    "height: 17px; margin-right: 6px; background-size: contain; background-repeat: no-repeat; "
    "vertical-align: -3px; }\n"
    f"#oa-up::before {{ background-image: {_icon(_THUMB_UP, '15803d')}; }}\n"
    f"#oa-down::before {{ background-image: {_icon(_THUMB_DOWN, 'b91c1c')}; }}\n"
)
