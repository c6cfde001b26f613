import { RouterProvider, createBrowserRouter, type RouteObject } from "react-router-dom";
import { SessionProvider } from "./auth/SessionContext";
import { SignInPage } from "./auth/SignInPage";
import { Layout } from "./components/Layout";
import { NotFoundPage } from "./components/NotFoundPage";
import { deliveryRoutes } from "./pages/deliveries/routes";
import { eventRoutes } from "./pages/events/routes";
import { recoveryRoutes } from "./pages/recovery/routes";
import { reportRoutes } from "./pages/reports/routes";
import { runRoutes } from "./pages/runs/routes";
import { webhookRoutes } from "./pages/webhooks/routes";

const routes: RouteObject[] = [
  { path: "/", element: <SignInPage /> },
  {
    path: "/t/:tenant",
    element: <Layout />,
    children: [
      { index: true, element: <NotFoundPage /> },
      ...reportRoutes,
      ...runRoutes,
      ...webhookRoutes,
      ...deliveryRoutes,
      ...recoveryRoutes,
      ...eventRoutes,
      { path: "*", element: <NotFoundPage /> },
    ],
  },
  { path: "*", element: <NotFoundPage /> },
];

// Vite's base path (/console/ when the API serves the console; CONSOLE_BASE_PATH otherwise).
const router = createBrowserRouter(routes, { basename: import.meta.env.BASE_URL.replace(/\/$/, "") || "/" });

export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
