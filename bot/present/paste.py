"""The paste: an answer as polite prose for help-desk staff to send to a customer, with no bot command,
no self-reference ("本助手") and no card label; several items asked at once get a numbered line each."""

from __future__ import annotations

from bot.present.i18n import text
from bot.present.prose import after_comma, once, sentence, tidy, without_title
from bot.present.verdict import VerdictWording
from eligibility.amounts import items_reading
from eligibility.ask import PLACES_SUBJECT, VALIDITY_ENTRY, AskResult, YesNo
from knowledge.models import Lang

_RULINGS = ("applicant_not", "condition_fails", "year_outside")  # verdict reasons that rule an entry out
LIST_FROM = 3  # parts from which the paste gives one line each, in the order asked


class PasteProse(VerdictWording):
    """The customer-ready prose of an ask result (:meth:`paste`)."""

    def paste(self, result: AskResult, lang: Lang | None = None, *, complaint: bool = False) -> str:
        """The answer as polite prose for a customer: no commands, no "本助手", no card labels."""
        lang = lang or result.lang
        return self.in_our_words(self._prose(result, lang, complaint=complaint), lang)

    def elsewhere(self, lang: Lang) -> str:
        """Not in the city (G4): who the policy is for, and that the registration place decides where the text is
        silent (a branch, a plant in the city); never "不涉及其他地区的政策", which nobody asked."""
        return self.cat.t(lang, "dlg.hd.elsewhere")

    @staticmethod
    def _rules_out(v: YesNo | None) -> bool:
        """A "不可以。" that rules the entry asked about out (the applicant, a condition, the year)."""
        return v is not None and v.verdict == "no" and v.reason in _RULINGS

    def in_our_words(self, pasted: str, lang: Lang) -> str:
        """The staff send the paste: the bot's words for itself in a text of the knowledge base ("本助手不推荐具体的
        代理机构") become the help desk's "we" (the catalogue's ``dlg.hd.we``, "said=instead" pairs)."""
        for pair in self.cat.t(lang, "dlg.hd.we").split("|"):
            said, _, instead = pair.partition("=")
            if said:
                pasted = pasted.replace(said, instead)
        return pasted

    def _prose(self, result: AskResult, lang: Lang, *, complaint: bool) -> str:
        t = self.cat.t
        sep = "" if lang == "zh" else " "
        out: list[str] = [t(lang, f"dlg.hd.hello_{self.tone(result.question)}" if complaint else "dlg.hd.hello")]
        title = text(self.kb.policy.title, lang)
        # The customer's facts rule the entry asked about out for the verdict's own reason: said once. A ruling
        # ("不可以。") is said by the line that also says no amount is computed ("按您说的情况，…不适用：…，因此不
        # 计算金额。"); a case the text does not settle ("不一定。") by the verdict, with the reading it rests on.
        ruled = result.answer.ruled_out if result.answer is not None and not result.parts else None
        v = result.verdict
        said_by_verdict = v is not None and ruled is not None and v.reason == ruled.reason and ruled.verdict != "no"
        if v is not None:
            # "elsewhere": the place rules every entry out; the entry's own line says so
            ruling = ruled is not None and ruled.verdict == "no" and v.reason in (ruled.reason, "elsewhere")
            if ruling:
                out.append(self.verdict_head(v, lang))
            elif v.reason == "elsewhere":
                out += [self.verdict_head(v, lang), self.elsewhere(lang)]
            else:
                out.append(self.verdict_line(result, v, lang))
        if result.refused or result.best is None:
            said = self.place_lines(result, lang)
            if complaint and self.unmatched_complaint(result):
                # "补贴还没到账，到底什么时候发？": no "not in the policy's scope" after the apology; what the
                # text says of timing (nothing) and who makes the rules
                out += [self._procedure(lang), self._contact(lang, paste=True)]
            elif result.introduced:
                out.append(t(lang, "dlg.hd.empty"))
            elif said:
                out += [sentence(x, lang) for x in said]
            elif result.subject is not None and result.subject.id == PLACES_SUBJECT:
                if self.elsewhere(lang) not in out:  # the verdict said it
                    out.append(self.elsewhere(lang))
            elif result.subject is not None:
                out.append(text(result.subject.reply, lang))
            else:
                out.append(t(lang, "dlg.hd.refused", title=title))
            return tidy(sep.join(out))
        policy = t(lang, "dlg.hd.policy", title=title, number=self.kb.policy.document_number)
        # a procedure question naming an entry is about applying (the card's convention): no figures asked for
        named = result.procedure_subject if not complaint else None
        if not complaint:  # a complaint's digits (a hotline, a date) are neither money nor asked about as money
            out += self.clarify_lines(result, lang)
        if result.policy_meta:
            out.append(self.policy_meta(lang))
        said = [sentence(x, lang) for x in self.note_lines(self.stated_back(result), lang)]
        if result.parts:
            items = [self.part_line(p, lang, with_ref=False, result=result) for p in result.parts]
            # "…: 300,000 yuan; reward for China Patent Award winners …": an item mid-sentence is not capitalised
            joined = ("；" if lang == "zh" else "; ").join(
                x if lang == "zh" or i == 0 else after_comma(x, self.proper) for i, x in enumerate(items)) \
                + ("。" if lang == "zh" else ".")
            out.append(policy + after_comma(joined, self.proper))
            listed = policy + after_comma(joined, self.proper)
            out += self.open_conditions(result, lang)
            out += [sentence(x, lang) for x in self.count_readings(result, lang)]
            out += said
            total = result.total
            if total is not None and (total.counted or total.pending):
                if total.amount is not None:
                    out += self.total_lines(result, lang)
                for excluded, kept in total.excluded:
                    out.append(t(lang, "ask.total.excluded", excluded=self._part_title(excluded, result, lang),
                                 kept=text(self.kb.benefit(kept).title, lang)))
                if not total.excluded:
                    out += self._same_matter(result, lang)
        else:
            b = result.best
            if named is not None:  # "贴息怎么申请": the honest procedure statement first, then the entry named
                out.append(self._procedure(lang))
            out.append(policy + after_comma(sentence(f"{text(b.title, lang)}{'：' if lang == 'zh' else ': '}"
                                          f"{without_title(text(b.summary, lang), text(b.title, lang))}", lang),
                                             self.proper))
            answer = result.answer
            ruled_out = answer.ruled_out if not b.is_info and answer is not None else None
            if ruled_out is not None:
                if not said_by_verdict:
                    out.append(self.ruled_out(b, ruled_out, lang))
            elif not b.is_info and answer is not None and answer.amount is not None:
                amount = self.r.amount(answer.amount, lang)
                if answer.from_figures:
                    calc = t(lang, "ask.calc_sep").join(self.r.reason(b, x, lang) for x in answer.reasons)
                    if self.approximate(result, answer.facts):
                        amount = self.about(amount, lang)
                    out.append(t(lang, "dlg.hd.amount_figures", amount=amount, calc=calc))
                    out += said
                elif answer.reasons and answer.reasons[0].code == "amount_several":
                    out.append(sentence(self.several_line(b, answer.amount, answer.reasons[0], lang, prose=True), lang))
                elif b.amount.kind == "tiered" and isinstance(answer.facts.get(b.amount.by), str):
                    # "银奖的金额为30万元": prose, never the card's "金额：银奖：30万元"
                    tier = self.r.value(b.amount.by, answer.facts[b.amount.by], lang)
                    out.append(t(lang, "dlg.hd.amount_tier", amount=amount,
                                 tier=after_comma(tier, self.proper) if lang == "en" else tier))
                elif answer.reasons:
                    out.append(t(lang, "dlg.hd.amount", amount=self.r.reason(b, answer.reasons[0], lang)))
                elif (counted := items_reading(b.amount, answer.facts)) is not None:
                    # "马德里注册了3件": the same range and reading as `ipbot ask` (F10/F49), never the flat 10万
                    out += [t(lang, "dlg.hd.amount", amount=amount), sentence(text(counted, lang), lang)]
            quota_said = result.verdict is not None and result.verdict.reason == "competitive"
            # "不可以。": no quota to compete for, and no "tell us more and we estimate further"
            ruled_out_for_sure = (ruled_out is not None and ruled_out.verdict == "no") or self._rules_out(v)
            if not b.is_info and b.award.mode == "competitive" and b.award.quota is not None and not quota_said \
                    and not ruled_out_for_sure:
                so_far = sep.join(out)
                if not self._quota_said(b, so_far, lang):
                    out.append(t(lang, "dlg.hd.mode.competitive", quota=self.r.quota_count(b, lang),
                                 pick=self.pick(b, lang)))
                elif t(lang, "dlg.hd.mode.limited") not in so_far:  # the summary gave the quota: not twice
                    out.append(t(lang, "dlg.hd.mode.limited"))
            dated = result.verdict is not None and result.verdict.reason in ("in_force", "out_of_force")
            if b.id == VALIDITY_ENTRY and not dated:  # the verdict gave the end date and its assumption already
                out.append(sentence(self.validity_line(lang), lang))
        if result.subject is not None:  # "另外担保费8万": the side subject's reply, after what was answered
            out.append(t(lang, "dlg.hd.beside", reply=after_comma(text(result.subject.reply, lang), self.proper)))
        # a complaint is not asked for figures, nor a procedure question
        if result.depends_on and not result.asks_ceiling and not complaint and named is None:
            facts = t(lang, "list_sep").join(after_comma(self.r.fact_label(f, lang), self.proper)
                                             for f in result.depends_on)
            out.append(t(lang, "dlg.hd.depends", facts=facts))
        if result.procedure or complaint or self._procedure_said(result):
            if (result.procedure or complaint) and not self._procedure_said(result) and named is None:
                out.append(self._procedure(lang))
            out.append(self._contact(lang, paste=True))
        elif (not result.parts and not result.depends_on and not result.asks_ceiling
              and result.best is not None and not result.best.is_info
              and (result.answer is None or result.answer.ruled_out is None) and not self._rules_out(v)):
            out.append(t(lang, "dlg.hd.close"))
        pasted = tidy(sep.join(once(out, lang)))
        if result.parts and len(result.parts) >= LIST_FROM:
            pasted = as_list(pasted, tidy(listed), policy, items, lang)
        return pasted



def as_list(pasted: str, listed: str, policy: str, items: list[str], lang: Lang) -> str:
    """Several items asked at once (a customer's 1）2）3）): one numbered line each, in the order asked, and
    what follows (the total, the no-double-subsidy rule) on a line of its own. The paragraph stays as it is
    when the items' sentence was changed on the way (a clause said before and cut)."""
    at = pasted.find(listed)
    if at < 0:
        return pasted
    end = "；" if lang == "zh" else ";"
    last = "。" if lang == "zh" else "."
    lines = [f"{i}. {x}{end if i < len(items) else last}" for i, x in enumerate(items, start=1)]
    head = policy.rstrip("，, ") + ("：" if lang == "zh" else ":")
    before, after = pasted[:at].rstrip(), pasted[at + len(listed):].lstrip()
    return "\n".join([x for x in (before, head, *lines, after) if x])

