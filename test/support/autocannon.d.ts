// The part of autocannon's API the load tests use (the package ships no types).
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    onResponse?: (status: number, body: string) => void;
  }

  interface Histogram {
    average: number;
    max: number;
    p50: number;
    p99: number;
  }

  interface AutocannonResult {
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }

  function autocannon(options: {
    url: string;
    connections: number;
    amount: number;
    timeout?: number;
    requests: AutocannonRequest[];
  }): Promise<AutocannonResult>;

  export default autocannon;
}
