"""Why a pack was refused: every error names the pack part and says what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.errors import DomainError


class PackError(DomainError):
    """A pack could not be read, verified or installed."""

    code = "pack.error"
    http_status = 422
    template_en = "The pack was refused."
    template_zh = "模板包被拒绝。"


@dataclass(frozen=True, slots=True)
class PartProblem:
    """One broken part of a pack: where, a stable code, and the message in both languages."""

    part: str
    code: str
    message_en: str
    message_zh: str

    def render(self, locale: str) -> str:
        """``part: message`` in zh-CN or English."""
        text = self.message_zh if locale.lower().startswith("zh") else self.message_en
        return f"{self.part}: {text}"


class PackInvalid(PackError):
    """One or more parts of the pack are broken; all of them are listed."""

    code = "pack.invalid"
    template_en = "Pack {pack} has {count} broken part(s): {details_en}"
    template_zh = "模板包 {pack} 有 {count} 处错误：{details_zh}"

    #: Every broken part (set by :meth:`listing`).
    problems: list[PartProblem]

    @classmethod
    def listing(cls, pack: str, problems: list[PartProblem]) -> PackInvalid:
        """The error for ``pack`` with every problem in its message."""
        error = cls(pack=pack, count=len(problems),
                    details_en="; ".join(p.render("en") for p in problems),
                    details_zh="；".join(p.render("zh") for p in problems))
        error.problems = problems
        return error


class PackArchiveUnsafe(PackError):
    """The archive holds a path or size we refuse to unpack."""

    code = "pack.archive_unsafe"
    template_en = "The pack archive is unsafe or damaged: {reason}"
    template_zh = "模板包文件不安全或已损坏：{reason_zh}"


class PackUnsigned(PackError):
    """The pack carries no signature."""

    code = "pack.unsigned"
    http_status = 403
    template_en = ("Pack {pack} is not signed. Only an admin may install it, explicitly "
                   "as untrusted.")
    template_zh = "模板包 {pack} 未签名。只有管理员可以明确以“不受信任”方式安装。"


class PackTampered(PackError):
    """The pack's files do not match what its publisher signed."""

    code = "pack.tampered"
    http_status = 403
    template_en = "Pack {pack} was changed after signing: {reason}"
    template_zh = "模板包 {pack} 在签名后被修改：{reason_zh}"


class PackUnknownPublisher(PackError):
    """The pack is signed by a key this tenant does not trust."""

    code = "pack.unknown_publisher"
    http_status = 403
    template_en = ("Pack {pack} is signed by key {key_id}, which this tenant does not "
                   "trust. Add the publisher's key first.")
    template_zh = "模板包 {pack} 的签名密钥 {key_id} 不在本企业的受信任发布者列表中，请先添加。"


class PackNotFound(PackError, LookupError):
    """No pack with that id is in the catalogue."""

    code = "pack.not_found"
    http_status = 404
    template_en = "Pack {pack} is not in the catalogue."
    template_zh = "目录中没有模板包 {pack}。"


class PackAlreadyInstalled(PackError):
    """The pack is installed already; use upgrade."""

    code = "pack.already_installed"
    http_status = 409
    template_en = "Pack {pack} {version} is already installed; upgrade it instead."
    template_zh = "模板包 {pack} {version} 已安装，请使用升级。"


class PackNotInstalled(PackError, LookupError):
    """The pack is not installed in this tenant."""

    code = "pack.not_installed"
    http_status = 404
    template_en = "Pack {pack} is not installed."
    template_zh = "模板包 {pack} 未安装。"


class PackDependencyMissing(PackError):
    """A pack it depends on is missing or at a version outside the range."""

    code = "pack.dependency_missing"
    http_status = 409
    template_en = "Pack {pack} needs {dependency} {wanted}; installed: {installed}."
    template_zh = "模板包 {pack} 依赖 {dependency} {wanted}；当前安装：{installed}。"


class PackSchemaClash(PackError):
    """The pack declares an event or attribute another pack declared differently."""

    code = "pack.schema_clash"
    http_status = 409
    template_en = "{kind} {name} is already declared differently by {source}."
    template_zh = "{kind} {name} 已由 {source} 以不同方式定义。"


class PackUpgradeConflict(PackError):
    """The tenant edited rule sets the upgrade also changes; someone must choose."""

    code = "pack.upgrade_conflict"
    http_status = 409
    template_en = ("The upgrade of {pack} changes rule sets you edited: {rule_sets}. "
                   "Choose for each whether to keep yours or take the pack's.")
    template_zh = ("{pack} 的升级修改了您编辑过的规则集：{rule_sets}。"
                   "请逐个选择保留您的版本或采用模板包的版本。")


class PackRuleTestsFailed(PackError):
    """A pack's own rule tests fail against its rule set; nothing was installed."""

    code = "pack.rule_tests_failed"
    http_status = 422
    template_en = ("{pack}: {failed} of {total} rule tests of {rule_set} fail "
                   "(first: {test}: {reason}); nothing was installed.")
    template_zh = ("{pack}：规则集 {rule_set} 的 {total} 个规则测试中有 {failed} 个未通过"
                   "（首个：{test}：{reason}），未安装任何内容。")


class PackIdReserved(PackError):
    """A pack from a file may not take the id of a pack shipped with jxcflow."""

    code = "pack.reserved_id"
    http_status = 409
    template_en = "{pack} is the id of a pack shipped with jxcflow; give your pack its own id."
    template_zh = "{pack} 是 jxcflow 自带模板包的编号，请为您的模板包另取编号。"


class ModuleNotInstalled(PackError, LookupError):
    """A route of a product module was called before any installed pack switched it on."""

    code = "module.not_installed"
    http_status = 404
    template_en = ("The {module} module is not installed for this company; "
                   "install a pack that has it.")
    template_zh = "本企业未安装 {module} 模块，请先安装包含该模块的模板包。"


class ConnectorTemplateNotFound(PackError, LookupError):
    """The installed pack has no connector template of this name."""

    code = "pack.connector_template_not_found"
    http_status = 404
    template_en = "Pack {pack} has no connector template {template}."
    template_zh = "模板包 {pack} 中没有连接器模板 {template}。"
