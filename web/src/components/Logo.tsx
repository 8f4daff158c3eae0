/** The platform's mark: 「政」 in gold on government red. */
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" style={{ flex: 'none' }}>
      <rect width="64" height="64" rx="12" fill="#c8161d" />
      <circle cx="32" cy="32" r="25" fill="none" stroke="#ffd84d" strokeWidth="2" opacity="0.6" />
      <text
        x="32"
        y="44"
        fontSize="34"
        textAnchor="middle"
        fill="#ffd84d"
        fontWeight="700"
        fontFamily="'Noto Serif CJK SC','Source Han Serif SC','SimSun',serif"
      >
        政
      </text>
    </svg>
  );
}
