interface Props {
  checked: boolean;
  label: string;
  disabled?: boolean;
  onChange(next: boolean): void;
  testId: string;
}

/** An on/off switch: a real button with role="switch", so Space/Enter and screen readers work. */
export function Switch({ checked, label, disabled = false, onChange, testId }: Props) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      className="switch"
      data-testid={testId}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-text" aria-hidden="true">
        {checked ? "On" : "Off"}
      </span>
    </button>
  );
}
