// The start-up floor: what node + tsx take to run a TypeScript file that does nothing but
// print the line `cursor-relay serve` prints when it is ready (figures/startup.ts).
const line: string = "listening on (tsx floor)";
console.log(line);
