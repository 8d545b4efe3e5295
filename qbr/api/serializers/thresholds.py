"""Thresholds: the body in either form (direction + green/yellow, or the contract's _max / _min bounds) and the
responses."""
from rest_framework import serializers

from qbr.api.serializers.envelope import envelope
from qbr.api.serializers.fields import MetricNameField, NumberField, OrganizationIdField, TimestampField
from qbr.api.serializers.numbers import number_out
from qbr.api.serializers.validation import OneOrMany
from qbr.catalogue import CATALOGUE
from qbr.smartnumbers import SMART_NUMBERS
from qbr.thresholds import HIGHER_IS_BETTER, LOWER_IS_BETTER, Direction, ThresholdStatus, bounds_error, bounds_labels

THRESHOLD_NAMES = {**{n: None for n in SMART_NUMBERS}, **CATALOGUE}

_BOUND_FORMS = {
    # field: (bound, direction it implies or None)
    "green": ("green", None), "yellow": ("yellow", None),
    "green_bound": ("green", None), "yellow_bound": ("yellow", None),
    "green_max": ("green", LOWER_IS_BETTER), "yellow_max": ("yellow", LOWER_IS_BETTER),
    "green_min": ("green", HIGHER_IS_BETTER), "yellow_min": ("yellow", HIGHER_IS_BETTER),
}


class ThresholdInputSerializer(serializers.Serializer):
    """Either form: `direction` + `green`/`yellow` (or `green_bound`/`yellow_bound`), or the contract's
    `green_max`/`yellow_max` (lower is better) or `green_min`/`yellow_min` (higher is better). An object as
    GET returns it (both forms, agreeing) is accepted too."""

    metric_name = MetricNameField(THRESHOLD_NAMES, help_text="A SmartNumber or a catalogue metric.")
    organization_id = OrganizationIdField()
    direction = serializers.ChoiceField(choices=Direction, required=False,
                                        help_text="Which is better; implied by the _max / _min form.")
    green = NumberField(required=False)
    yellow = NumberField(required=False)
    green_bound = NumberField(required=False)
    yellow_bound = NumberField(required=False)
    green_max = NumberField(required=False, help_text="Lower is better: green up to this value.")
    yellow_max = NumberField(required=False, help_text="Lower is better: yellow up to this value.")
    green_min = NumberField(required=False, help_text="Higher is better: green from this value.")
    yellow_min = NumberField(required=False, help_text="Higher is better: yellow from this value.")
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def openapi_rules(self) -> dict:
        # validate()'s rules on the forms of _BOUND_FORMS: a green and a yellow bound, a direction (given, or
        # implied by the _max / _min form), never both implied directions, no direction contradicting them.
        # (Not stated: that synonyms given together agree, and the order of green and yellow.)
        def any_of(names):
            return {"anyOf": [{"required": [name]} for name in names]}

        implying = {}
        for name, (_bound, direction) in _BOUND_FORMS.items():
            if direction:
                implying.setdefault(direction, []).append(name)
        rules = [any_of([name for name, (bound, _) in _BOUND_FORMS.items() if bound == wanted])
                 for wanted in ("green", "yellow")]
        rules.append(any_of(["direction", *(name for names in implying.values() for name in names)]))
        rules.append({"not": {"allOf": [any_of(names) for names in implying.values()]}})
        rules += [{"not": {"required": ["direction", name],
                           "properties": {"direction": {"not": {"enum": [direction]}}}}}
                  for direction, names in implying.items() for name in names]
        return {"allOf": rules}

    def validate(self, attrs):
        given = {name: attrs[name] for name in _BOUND_FORMS if attrs.get(name) is not None}
        implied = {_BOUND_FORMS[name][1] for name in given} - {None}
        if len(implied) > 1:
            raise serializers.ValidationError({"green_min" if "green_min" in given else "yellow_min": (
                "Give green_max/yellow_max (lower is better) or green_min/yellow_min (higher is better), not both."
            )})
        direction = attrs.get("direction")
        if implied:
            form_direction = implied.pop()
            if direction and direction != form_direction:
                raise serializers.ValidationError({"direction": (
                    f'direction "{direction}" contradicts the '
                    f'{"_max" if form_direction == LOWER_IS_BETTER else "_min"} bounds.'
                )})
            direction = form_direction
        if not direction:
            raise serializers.ValidationError(
                {"direction": 'direction is required ("lower" or "higher" is better) unless the bounds are given as '
                              "green_max/yellow_max or green_min/yellow_min."},
                code="required",
            )
        bounds = {}
        for name, value in given.items():
            bound = _BOUND_FORMS[name][0]
            if bound in bounds and bounds[bound][1] != value:
                raise serializers.ValidationError({name: f"{name} disagrees with {bounds[bound][0]}."})
            bounds.setdefault(bound, (name, value))
        for bound in ("green", "yellow"):
            if bound not in bounds:
                suffix = "max" if direction == LOWER_IS_BETTER else "min"
                raise serializers.ValidationError(
                    {bound: f"The {bound} bound is required ({bound}, or {bound}_{suffix})."}, code="required"
                )
        green, yellow = bounds["green"][1], bounds["yellow"][1]
        error = bounds_error(green=green, yellow=yellow, direction=direction)
        if error:
            raise serializers.ValidationError({bounds["yellow"][0]: error})
        return {"organization": attrs["organization_id"], "metric_name": attrs["metric_name"],
                "direction": direction, "green": green, "yellow": yellow, "notes": attrs.get("notes")}


THRESHOLDS_BODY = OneOrMany(ThresholdInputSerializer, "thresholds")  # POST /api/qbr/thresholds


class ThresholdStatusSerializer(serializers.Serializer):
    green_max = serializers.FloatField(required=False, help_text="Lower is better: green up to this value.")
    yellow_max = serializers.FloatField(required=False, help_text="Lower is better: yellow up to this value.")
    green_min = serializers.FloatField(required=False, help_text="Higher is better: green from this value.")
    yellow_min = serializers.FloatField(required=False, help_text="Higher is better: yellow from this value.")
    direction = serializers.ChoiceField(choices=Direction)
    status = serializers.ChoiceField(choices=ThresholdStatus, allow_null=True)


class ThresholdSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    organization_id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=Direction)
    green_bound = NumberField()
    yellow_bound = NumberField()
    green_max = serializers.FloatField(required=False, help_text="Present when lower is better.")
    yellow_max = serializers.FloatField(required=False, help_text="Present when lower is better.")
    green_min = serializers.FloatField(required=False, help_text="Present when higher is better.")
    yellow_min = serializers.FloatField(required=False, help_text="Present when higher is better.")
    notes = serializers.CharField(allow_null=True)
    updated_at = TimestampField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)

    def to_representation(self, t):
        return {
            "metric_name": t.metric_name,
            "organization_id": t.organization_id,
            "direction": t.direction,
            "green_bound": number_out(t.green_bound),
            "yellow_bound": number_out(t.yellow_bound),
            **bounds_labels(green=t.green_bound, yellow=t.yellow_bound, direction=t.direction),
            "notes": t.notes or None,
            "updated_at": t.updated_at.isoformat().replace("+00:00", "Z") if t.updated_at else None,
            "updated_by": t.updated_by or None,
        }


class ThresholdListSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    thresholds = ThresholdSerializer(many=True)


class ThresholdsSavedSerializer(serializers.Serializer):
    thresholds = ThresholdSerializer(many=True)


ThresholdListResponse = envelope("QBRThresholds", ThresholdListSerializer)
ThresholdsSavedResponse = envelope("QBRThresholdsSaved", ThresholdsSavedSerializer)
