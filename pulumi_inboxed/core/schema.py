"""One typed declaration per resource: its inputs and outputs, and everything derived from them.

A resource module declares two pydantic models:

- `Inputs` (subclass of `ResourceInputs`): every input with its type, default, bounds, enum,
  description, and whether it is secret or forces a replacement (`arg(...)`). Rules about one field
  live in its type (`Annotated[..., AfterValidator(...)]`); rules across fields in a
  `model_validator(mode="after")`.
- `Outputs` (subclass of `ResourceOutputs`): every output the provider records, with its
  description and whether it is secret (`out(...)`).

From them come, with no name written twice:

- `check_inputs()`: `check()`'s strict validation at preview (a string where a bool belongs, a
  number out of range, an unknown enum value, a nested object of the wrong shape: each a
  `CheckFailure` naming the field path, `mailboxes[2].username`, and the reason; never a traceback).
  Values Pulumi does not know yet (another resource's output, during preview) pass and are checked
  when known.
- `replaced_by()` / `changed_inputs()`: the replace decision in `diff()`.
- `input_defaults()`: `read()`'s defaults.
- `pulumi_inboxed.codegen`: the public Args class and Resource class (both constructor forms,
  `:param` docs, typed output properties, static `get`), and the reference docs.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Annotated, Any, ClassVar, get_args

import email_validator
import pulumi.dynamic as dyn
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .accounts import ACCOUNT_DOC
from .domains import DomainNameError, mixed_script_label, normalize_domain
from .lifecycle import DESTROY_ADOPTED_DOC
from .provider_base import has_unknowns, is_unknown


def _whole_number(value: Any) -> Any:
    """Pulumi sends every number as a float: 5.0 is the whole number 5; anything else stays
    as it is, for strict validation to accept or refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""An int input (Pulumi's 5.0 is 5; 5.5, "5" and True are refused)."""


ALLOW_MIXED_SCRIPT = "allow_mixed_script"


def _allowed_mixed(info: ValidationInfo) -> set[str]:
    context = info.context if isinstance(info.context, Mapping) else {}
    allowed = context.get(ALLOW_MIXED_SCRIPT) or ()
    return {str(name).strip().lower().rstrip(".") for name in allowed}


def _domain_name(value: str, info: ValidationInfo) -> str:
    """IDNA 2008 / UTS 46 A-label form; a label mixing scripts (a look-alike such as
    "apple-pay.com" spelt with a Cyrillic a) only when the program lists the name in
    `allow_mixed_script`."""
    try:
        name = normalize_domain(value)
    except DomainNameError as exc:
        raise ValueError(exc.reason) from None
    mixed = mixed_script_label(name)
    if mixed is not None:
        allowed = _allowed_mixed(info)
        if name not in allowed and value.strip().lower().rstrip(".") not in allowed:
            label, scripts = mixed
            raise ValueError(
                f"label {label!r} mixes the {' and '.join(scripts)} scripts, as look-alike names "
                f"do; list the name in {ALLOW_MIXED_SCRIPT} if it is meant"
            )
    return name


DomainName = Annotated[str, AfterValidator(_domain_name)]
"""A domain name, normalized to A-labels (what the APIs expect)."""


_KEEP_TYPE = ("missing", "extra_forbidden")
"""Error types `check_inputs` reads by name; every other error keeps its rendered message."""


def _raised_again(error: Any) -> dict[str, Any]:
    """One of pydantic's errors as it was, to raise again beside others."""
    kind = error["type"]
    if kind not in _KEEP_TYPE:
        kind = PydanticCustomError(str(error["type"]), str(error["msg"]).replace("{", "{{"))
    return {"type": kind, "loc": error["loc"], "input": error["input"]}


def unique_entries(
    title: str,
    key: Callable[[Any], str | None],
    message: str,
    *,
    at: tuple[str, ...] = (),
) -> WrapValidator:
    """A list rule: every entry is validated, and each entry whose `key` (read from the raw
    entry; None to skip it) was seen before is named at its own place, `domains[3]` (or
    `mailboxes[3].username` with `at=("username",)`), in the same preview as the other errors.

    `message` may use `{first}` (the earlier entry's index) and `{key}`.
    """

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        line_errors: list[Any] = []
        result: Any = None
        try:
            result = handler(value)
        except ValidationError as exc:
            line_errors = [_raised_again(e) for e in exc.errors()]
        if isinstance(value, list):
            first: dict[str, int] = {}
            for index, raw in enumerate(value):
                found = key(raw)
                if found is None:
                    continue
                if found in first:
                    error = PydanticCustomError(
                        "duplicate", message, {"first": first[found], "key": found}
                    )
                    shown = raw.get(at[-1]) if at and isinstance(raw, Mapping) else raw
                    line_errors.append({"type": error, "loc": (index, *at), "input": shown})
                else:
                    first[found] = index
        if line_errors:
            raise ValidationError.from_exception_data(title, line_errors)
        return result

    return WrapValidator(validate)


def _lenient_name(raw: Any) -> str | None:
    try:
        return normalize_domain(raw) if isinstance(raw, str) else None
    except DomainNameError:
        return None


DomainNames = Annotated[
    list[DomainName],
    unique_entries("domain names", _lenient_name, "is a duplicate of entry {first} ({key})"),
]
"""A list of domain names, each normalized, none twice (after normalization)."""


def _email_address(value: str, info: ValidationInfo) -> str:
    """An address as `email-validator` accepts it (RFC 5321/5322, internationalized domains),
    without a DNS look-up; its domain follows the same mixed-script rule as domain names."""
    try:
        result = email_validator.validate_email(
            value, check_deliverability=False, allow_smtputf8=True, strict=True
        )
    except email_validator.EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address: {exc}") from None
    _domain_name(result.domain, info)
    return str(result.normalized)


EmailAddress = Annotated[str, AfterValidator(_email_address)]
"""An email address, validated by the `email-validator` library and normalized."""


def arg(
    default: Any = ...,
    *,
    description: str,
    replace: bool = False,
    secret: bool = False,
    **constraints: Any,
) -> Any:
    """Declares an input: its description (the `:param` doc), whether a change replaces the
    resource, whether it is secret (made secret in the program, so the state encrypts it), and
    pydantic constraints (`ge`, `le`, `min_length`, ...)."""
    return Field(
        default,
        description=description,
        json_schema_extra={"replace": replace, "secret": secret},
        **constraints,
    )


def out(*, description: str, secret: bool = False) -> Any:
    """Declares an output: its description and whether it is secret."""
    return Field(None, description=description, json_schema_extra={"secret": secret})


def _extra(field: FieldInfo, key: str) -> bool:
    extra = field.json_schema_extra
    return bool(isinstance(extra, dict) and extra.get(key))


AccountName = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", min_length=1, max_length=64)
]
"""An account's name under `<api>:accounts` (`core.accounts`)."""


class ResourceInputs(BaseModel):
    """Base of every resource's inputs: strict types, no unknown fields, `destroy_adopted`.

    Enum fields take their values as strings (what Pulumi sends); declare them with
    `Annotated[MyEnum, Field(strict=False)]` or through `arg(..., strict=False)`.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    EXAMPLE: ClassVar[str] = ""
    """A short program using the resource, shown in its docstring."""
    SUMMARY: ClassVar[str] = ""
    """One paragraph: what the resource is and what its lifecycle does."""

    destroy_adopted: bool = arg(False, description=DESTROY_ADOPTED_DOC)
    account: AccountName | None = arg(None, replace=True, description=ACCOUNT_DOC)

    @classmethod
    def input_names(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)

    @classmethod
    def secret_inputs(cls) -> tuple[str, ...]:
        return tuple(n for n, f in cls.model_fields.items() if _extra(f, "secret"))

    @classmethod
    def replacing_inputs(cls) -> tuple[str, ...]:
        return tuple(n for n, f in cls.model_fields.items() if _extra(f, "replace"))


class DomainInputs(ResourceInputs):
    """Base of a resource whose inputs hold domain names or email addresses."""

    allow_mixed_script: list[str] = Field(
        default_factory=list,
        description=(
            "domain names whose labels may mix scripts (refused otherwise, as look-alike names "
            "such as 'apple-pay.com' spelt with a Cyrillic a do)"
        ),
        json_schema_extra={"replace": False, "secret": False},
    )


class InputObject(BaseModel):
    """Base of a nested input object (a mailbox, an address): strict, no unknown fields.

    `ARGS_NAME` names its generated Args class (default: the class name with `Args`)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ResourceOutputs(BaseModel):
    """Base of every resource's outputs (those beyond its inputs, which are outputs too)."""

    model_config = ConfigDict(extra="ignore")

    @classmethod
    def output_names(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)

    @classmethod
    def secret_outputs(cls) -> tuple[str, ...]:
        return tuple(n for n, f in cls.model_fields.items() if _extra(f, "secret"))


# ---------------------------------------------------------------------------------------------
# check

_OUTPUTS_OF: dict[type[ResourceInputs], tuple[str, ...]] = {}
"""Per inputs model, its resource's output names (`ResourceSpec` records them): keys the
program registers beside the inputs, which are not stray inputs."""


def register_outputs(inputs: type[ResourceInputs], outputs: type[ResourceOutputs]) -> None:
    _OUTPUTS_OF[inputs] = outputs.output_names()


def field_path(loc: Sequence[int | str]) -> str:
    """pydantic's error location as a property path: ("mailboxes", 2, "username") ->
    "mailboxes[2].username"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith(("function-", "constrained-")) or part in (
            "str",
            "int",
            "bool",
            "float",
        ):
            continue  # pydantic's name for a validator or a union member: not a field
        else:
            path += f".{part}" if path else part
    return path


def _under_unknown(value: Any, loc: Sequence[int | str]) -> bool:
    """True when the location passes through (or ends at) a value not known yet."""
    current = value
    for part in loc:
        if is_unknown(current):
            return True
        if isinstance(current, Mapping) and part in current:
            current = current[part]
            continue
        if not (isinstance(current, list | tuple) and isinstance(part, int)):
            return False
        if part >= len(current):
            return False
        current = current[part]
    return is_unknown(current)


def _reason(error: Mapping[str, Any], value: Any) -> str:
    """pydantic's message for one error, with the offending value named when it is short and
    not secret (the caller drops it for secret fields)."""
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "is not an input of this resource"
    if error["type"] == "missing":
        return "is required"
    shown = _show(value)
    return f"{message} (got {shown})" if shown else message


_HIDDEN = object()
"""Stands for a secret input's value: an error about it never shows the value."""


def _show(value: Any) -> str:
    if value is _HIDDEN:
        return ""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else f"a string of {len(value)} characters"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (`list[MailboxInput] | None` -> [MailboxInput])."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models_in(arg)]


def _secret_path(model: type[BaseModel], loc: Sequence[int | str]) -> bool:
    """True when the location is, or lies inside, a field declared secret, at any depth
    (`mailboxes[2].password`): an error there never shows the value."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        fields = [m.model_fields[part] for m in current if part in m.model_fields]
        if not fields:
            return False
        if any(_extra(f, "secret") for f in fields):
            return True
        current = [m for f in fields for m in _models_in(f.annotation)]
    return False


def _failures(
    model: type[ResourceInputs], data: Mapping[str, Any], exc: ValidationError
) -> list[dyn.CheckFailure]:
    failures: list[dyn.CheckFailure] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        if _under_unknown(data, loc):
            continue
        path = field_path(loc) or "(inputs)"
        value = _HIDDEN if _secret_path(model, loc) else error.get("input")
        reason = _reason(error, value)
        if (path, reason) in seen:
            continue
        seen.add((path, reason))
        failures.append(dyn.CheckFailure(path, reason))
    return failures


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_inputs(
    model: type[ResourceInputs], news: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dyn.CheckFailure]]:
    """Validates a resource's inputs as `check()` receives them.

    Returns (inputs to record, failures). Keys that are not inputs (the outputs a resource
    registers as None, Pulumi's `__provider`) are left out of the validation and of the result.
    With nothing unknown, the result is the model's normalized dump (defaults filled in). With
    unknown values, each field without one is validated and normalized on its own; fields holding
    one pass as they are, and rules across fields wait for the update, when all are known.
    """
    names = model.input_names()
    data = {k: v for k, v in news.items() if k in names and v is not None}
    stray = [
        dyn.CheckFailure(key, f"is not an input of this resource{did_you_mean(key, names)}")
        for key, value in news.items()
        if value is not None
        and key not in names
        and not key.startswith("__")
        and key not in _OUTPUTS_OF.get(model, ())
    ]
    allowed = data.get(ALLOW_MIXED_SCRIPT)
    context = {ALLOW_MIXED_SCRIPT: allowed if isinstance(allowed, list) else []}
    if not has_unknowns(data):
        try:
            validated = model.model_validate(data, context=context)
            return _recorded(validated.model_dump(mode="json")), stray
        except ValidationError as exc:
            return {**input_defaults(model), **data}, stray + _failures(model, data, exc)
    inputs = dict(input_defaults(model))
    failures: list[dyn.CheckFailure] = list(stray)
    for name, value in data.items():
        if has_unknowns(value):
            inputs[name] = value
            failures += _field_failures(model, name, value, context)
            continue
        adapter = _adapter(model, name)
        try:
            valid = adapter.validate_python(value, context=context)
            inputs[name] = adapter.dump_python(valid, mode="json")
        except ValidationError as exc:
            inputs[name] = value
            failures += _prefixed(model, name, value, exc)
    return _recorded(inputs), failures


UNSET_LEFT_OUT = ("account",)
"""Inputs recorded only when set: a stack written before they existed diffs as no change."""


def _recorded(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if not (k in UNSET_LEFT_OUT and v is None)}


def inputs_from(model: type[ResourceInputs], values: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs `read()` records from what it read (`values`: the outputs), defaults filled in."""
    names = model.input_names()
    return _recorded({**input_defaults(model), **{k: values[k] for k in names if k in values}})


def _field_failures(
    model: type[ResourceInputs], name: str, value: Any, context: Mapping[str, Any]
) -> list[dyn.CheckFailure]:
    """Checks a partly unknown field: errors under its unknown parts are dropped."""
    try:
        _adapter(model, name).validate_python(value, context=context)
    except ValidationError as exc:
        return _prefixed(model, name, value, exc)
    return []


def _prefixed(
    model: type[ResourceInputs], name: str, value: Any, exc: ValidationError
) -> list[dyn.CheckFailure]:
    failures: list[dyn.CheckFailure] = []
    for error in exc.errors():
        loc = (name, *error["loc"])
        if _under_unknown({name: value}, loc):
            continue
        shown = _HIDDEN if _secret_path(model, loc) else error.get("input")
        failures.append(dyn.CheckFailure(field_path(loc), _reason(error, shown)))
    return failures


_ADAPTERS: dict[tuple[type[ResourceInputs], str], TypeAdapter[Any]] = {}


def _adapter(model: type[ResourceInputs], name: str) -> TypeAdapter[Any]:
    key = (model, name)
    if key not in _ADAPTERS:
        field = model.model_fields[name]
        strict = model.model_config.get("strict", False)
        annotated = Annotated[field.annotation, field]  # type: ignore[name-defined]
        _ADAPTERS[key] = TypeAdapter(annotated, config=ConfigDict(strict=strict))
    return _ADAPTERS[key]


def check_result(model: type[ResourceInputs], news: Mapping[str, Any]) -> dyn.CheckResult:
    inputs, failures = check_inputs(model, news)
    return dyn.CheckResult(inputs, failures)


# ---------------------------------------------------------------------------------------------
# diff and read


def input_defaults(model: type[ResourceInputs]) -> dict[str, Any]:
    """Every input that has a default, with it (JSON form): what `read()` fills in."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.is_required() or name in UNSET_LEFT_OUT:
            continue
        default = field.get_default(call_default_factory=True)
        out[name] = default.value if isinstance(default, Enum) else default
    return out


def changed_inputs(
    model: type[ResourceInputs],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    ignore: Iterable[str] = (),
) -> list[str]:
    """The inputs whose value differs (an unknown new value counts as a change)."""
    skip = set(ignore)
    defaults = input_defaults(model)
    changed: list[str] = []
    for name in model.input_names():
        if name in skip:
            continue
        new = news.get(name, defaults.get(name))
        old = olds.get(name, defaults.get(name))
        if has_unknowns(new) or _normal(old) != _normal(new):
            changed.append(name)
    return changed


def _normal(value: Any) -> Any:
    """Numbers compare as numbers (Pulumi's 5.0 equals 5); None equals a missing value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v is not None}
    return value


def replaced_by(model: type[ResourceInputs], changed: Iterable[str]) -> list[str]:
    """Of the changed inputs, those that force a replacement."""
    replacing = set(model.replacing_inputs())
    return [name for name in changed if name in replacing]


def diff_result(
    model: type[ResourceInputs],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    ignore: Iterable[str] = (),
    stables: Sequence[str] = (),
) -> dyn.DiffResult:
    """The plain diff: changed inputs update in place, unless one of them forces a replacement."""
    changed = changed_inputs(model, olds, news, ignore=ignore)
    return dyn.DiffResult(
        changes=bool(changed),
        replaces=replaced_by(model, changed),
        stables=list(stables),
        delete_before_replace=False,
    )
